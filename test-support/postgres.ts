/**
 * A throwaway PostgreSQL server for tests: Debian's `postgresql` binaries (`initdb`, `pg_ctl`; `.ci/run`
 * installs the package when missing), a cluster in a temp folder, listening on 127.0.0.1 on a free port, stopped
 * and deleted when the scope closes. PostgreSQL refuses to run as root, so as root the cluster runs as the
 * `postgres` system user (the package creates it).
 */
import { Effect, Scope } from "effect"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"

/** Where Debian puts the server binaries, newest version first; undefined when PostgreSQL is not installed. */
export const binaries = (): string | undefined => {
  const root = "/usr/lib/postgresql"
  if (!fs.existsSync(root)) return undefined
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, "bin", "pg_ctl")))
  versions.sort((a, b) => Number(b) - Number(a))
  return versions.length === 0 ? undefined : path.join(root, versions[0]!, "bin")
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

const asRoot = typeof process.getuid === "function" && process.getuid() === 0

const run = (bin: string, args: ReadonlyArray<string>) =>
  asRoot
    ? execFileSync("runuser", ["-u", "postgres", "--", bin, ...args], { stdio: "pipe" })
    : execFileSync(bin, args, { stdio: "pipe" })

export interface RunningPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  readonly url: string
  readonly port: number
}

/** Starts a cluster for the current scope. Fails when PostgreSQL is not installed (see {@link binaries}). */
export const startPostgres = (): Effect.Effect<RunningPostgres, Error, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const bin = binaries()
        if (bin === undefined) throw new Error("PostgreSQL is not installed (apt-get install -y postgresql)")
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-pg-"))
        fs.chmodSync(dir, 0o755)
        const data = path.join(dir, "data")
        fs.mkdirSync(data, { mode: 0o700 })
        if (asRoot) execFileSync("chown", ["-R", "postgres:postgres", dir])
        run(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"])
        const port = await freePort()
        run(path.join(bin, "pg_ctl"), [
          "-D",
          data,
          "-l",
          path.join(dir, "log"),
          "-w",
          "-t",
          "60",
          "-o",
          `-p ${port} -h 127.0.0.1 -k ${dir} -c fsync=off -c max_connections=50`,
          "start"
        ])
        return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, bin, data, dir }
      },
      catch: (cause) => cause instanceof Error ? cause : new Error(String(cause))
    }),
    (pg) =>
      Effect.sync(() => {
        try {
          run(path.join(pg.bin, "pg_ctl"), ["-D", pg.data, "-m", "immediate", "-w", "stop"])
        } catch {
          // already stopped
        }
        fs.rmSync(pg.dir, { recursive: true, force: true })
      })
  ).pipe(Effect.map(({ url, port }) => ({ url, port })))
