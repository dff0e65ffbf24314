/** The page's entry point. */
import { render } from "preact"
import { App, ErrorBoundary } from "./App.tsx"

const root = document.getElementById("app")
if (root !== null) {
  root.textContent = ""
  render(
    <ErrorBoundary>
      <App />
    </ErrorBoundary>,
    root
  )
}
