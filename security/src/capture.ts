/**
 * The recorder of logs and spans for the secrets checks lives in `test-support/capture.ts`, shared with the
 * drift-client tests.
 */
export { capture, renderings } from "../../test-support/capture.ts"
