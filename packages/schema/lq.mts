import * as Html from "/work/main/packages/schema/src/Html.ts"
const cpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
const make = (n: number) => `<a href="https://x.test/${"p".repeat(n * 10)}">x</a>`
const t = (s: string) => {
  const a = cpu()
  Html.sanitize(s, Html.drift)
  Html.sanitize(s, Html.intercom)
  return cpu() - a
}
for (const n of [4000, 16000, 32000, 64000, 128000]) {
  const small = make(n), big = make(4 * n)
  t(small)
  t(big)
  let a = Infinity, b = Infinity
  for (let r = 0; r < 7; r++) {
    a = Math.min(a, t(small))
    b = Math.min(b, t(big))
  }
  console.log(n, small.length, a.toFixed(2), b.toFixed(2), (b / a).toFixed(2))
}
