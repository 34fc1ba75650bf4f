/**
 * The user's client as a child process: started through the shell with the mock's address in its
 * environment (CCGW_URL, CCGW_HOST, CCGW_PORT, CCGW_AGENT), stopped with its whole process group,
 * its last output lines kept for the report.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'

const KEEP_LINES = 200

export class ClientProcess {
  private child: ChildProcess | undefined
  private exitText: string | undefined
  readonly output: string[] = []
  starts = 0

  constructor (private readonly command: string, private readonly env: Record<string, string>) {}

  get alive (): boolean { return this.child !== undefined && this.exitText === undefined }
  /** How it ended (`code 1`, `signal SIGSEGV`), undefined while it runs. */
  get exit (): string | undefined { return this.exitText }

  start (): void {
    this.starts++
    this.exitText = undefined
    const child = spawn(this.command, {
      shell: true,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so stop() ends the shell and everything it started.
      detached: process.platform !== 'win32'
    })
    this.child = child
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') this.output.push(line)
      if (this.output.length > KEEP_LINES) this.output.splice(0, this.output.length - KEEP_LINES)
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    child.on('error', (err) => { if (this.child === child) this.exitText = `could not start: ${err.message}` })
    child.on('exit', (code, signal) => { if (this.child === child) this.exitText = signal !== null ? `signal ${signal}` : `code ${String(code)}` })
  }

  /** Stop it (SIGTERM to its group, SIGKILL after 2 s); resolves when it has exited. */
  async stop (): Promise<void> {
    const child = this.child
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) { this.child = undefined; return }
    this.child = undefined
    const exited = once(child, 'exit')
    const signal = (s: NodeJS.Signals): void => {
      try {
        if (process.platform !== 'win32' && child.pid !== undefined) process.kill(-child.pid, s)
        else child.kill(s)
      } catch { /* already gone */ }
    }
    signal('SIGTERM')
    const timer = setTimeout(() => signal('SIGKILL'), 2000)
    await exited
    clearTimeout(timer)
  }
}
