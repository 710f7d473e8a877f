import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { chmodSync, chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '@mailwright/core'
import { canRun } from '../../core/src/requirement.test-util.js'

// A real IMAP server from Debian's packages (dovecot-imapd) on loopback, started for this file.
// CI installs it; a laptop without it skips.
export const dovecot = {
  available: canRun('dovecot'),
  missing: 'Dovecot is not installed',
  install: 'apt-get install dovecot-imapd',
}
export const PASSWORD = 'imap-pass-7d3e'

export async function startDovecot(): Promise<{ port: number; process: ChildProcess }> {
  const dir = mkdtempSync(join(tmpdir(), 'mailwright-dovecot-'))
  // Its auth process runs as the dovecot user and must read the password file in here.
  chmodSync(dir, 0o755)
  const port = await freePort()
  for (const sub of ['run', 'mail']) mkdirSync(join(dir, sub))
  const id = (name: string, flag: string) => Number(execFileSync('id', [flag, name]).toString())
  // Dovecot runs its login process unprivileged and refuses root for mail: give each its directory.
  chownSync(join(dir, 'run'), id('dovecot', '-u'), id('dovecot', '-g'))
  chownSync(join(dir, 'mail'), id('nobody', '-u'), id('nobody', '-g'))
  writeFileSync(join(dir, 'passwd'), `qa@contoso.test:{PLAIN}${PASSWORD}\n`)
  writeFileSync(
    join(dir, 'dovecot.conf'),
    `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/run
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
default_internal_user = dovecot
default_login_user = dovenull
service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
}
passdb {
  driver = passwd-file
  args = ${dir}/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=${id('nobody', '-g')} home=${dir}/mail/%u
}
`,
  )
  const process = spawn('dovecot', ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' })
  for (let i = 0; i < 100; i++) {
    const ready = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('data', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ready) return { port, process }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('dovecot did not start')
}

/** Stops a Dovecot startDovecot() started: SIGTERM, then SIGKILL after 3 s. */
export async function stopDovecot(started: { process: ChildProcess } | undefined): Promise<void> {
  if (!started) return
  const exited = new Promise((resolve) => started.process.once('exit', resolve))
  started.process.kill('SIGTERM')
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))])
  started.process.kill('SIGKILL')
}
