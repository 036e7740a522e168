/**
 * A private Dovecot IMAP server for tests (Debian's dovecot-imapd, installed by
 * `node scripts/setup.mjs --test`): a generated configuration in a temporary directory, loopback
 * only, a free port, no TLS, one user with a plain password in a passwd-file, maildir storage,
 * logs to a file. It runs as the current user; as root, Dovecot refuses to run its login and mail
 * processes as root, so those run as the package's own `dovecot`/`dovenull` users.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { freePort } from '../../infra/ports';

const DOVECOT = '/usr/sbin/dovecot';
const DOVEADM = '/usr/bin/doveadm';

export interface DovecotHandle {
  port: number;
  user: string;
  password: string;
  /** `imap://user:password@127.0.0.1:port/INBOX` */
  url: string;
  /** A connected client of the test user (the caller logs it out). */
  client(): Promise<ImapFlow>;
  /** Puts a message into a folder with IMAP APPEND, as a delivering server would. */
  append(raw: string | Buffer, folder?: string): Promise<void>;
  /** The raw messages of a folder, oldest first (none when the folder does not exist). */
  messages(folder: string): Promise<Buffer[]>;
  /** Drops every IMAP session of the test user, as a server restarting its processes does. */
  kick(): Promise<void>;
  /** Stops the server (its port refuses connections until `start`). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Dovecot's own log (logins, errors). */
  log(): string;
  /** Stops the server and removes its directory. */
  dispose(): Promise<void>;
}

/** uid and gid of a system user, from /etc/passwd (Node has no getpwnam). */
function systemUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`system user ${name} missing: is dovecot-core installed?`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function groupName(gid: number): string {
  const line = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((l) => l.split(':')[2] === String(gid));
  return line?.split(':')[0] ?? String(gid);
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('data', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function startDovecot(): Promise<DovecotHandle> {
  if (!existsSync(DOVECOT)) throw new Error(`${DOVECOT} missing: run \`node scripts/setup.mjs --test\` (installs Debian's dovecot-imapd)`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dovecot-'));
  const port = await freePort();
  const user = 'sportello';
  const password = `pw-${Math.random().toString(36).slice(2)}-segreta`;
  const root = process.getuid?.() === 0;
  const me = os.userInfo();
  const internal = root ? { name: 'dovecot', group: 'dovecot' } : { name: me.username, group: groupName(me.gid) };
  const login = root ? 'dovenull' : me.username;
  const mailOwner = root ? systemUser('dovecot') : { uid: me.uid, gid: me.gid };
  const mailDir = path.join(dir, 'mail');
  for (const d of ['run', 'state', 'mail']) mkdirSync(path.join(dir, d));
  if (root) {
    // Login processes run as dovenull and must reach their sockets under base_dir.
    chmodSync(dir, 0o755);
    chownSync(mailDir, mailOwner.uid, mailOwner.gid);
  }
  writeFileSync(path.join(dir, 'users'), `${user}:{PLAIN}${password}:${mailOwner.uid}:${mailOwner.gid}::${path.join(mailDir, user)}\n`, { mode: 0o644 });
  const conf = path.join(dir, 'dovecot.conf');
  const logFile = path.join(dir, 'dovecot.log');
  writeFileSync(
    conf,
    `instance_name = test-dovecot-${port}
base_dir = ${dir}/run
state_dir = ${dir}/state
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = ${logFile}
info_log_path = ${logFile}
default_internal_user = ${internal.name}
default_internal_group = ${internal.group}
default_login_user = ${login}
first_valid_uid = ${mailOwner.uid}
first_valid_gid = ${mailOwner.gid}
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/users
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
  );

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  async function start(): Promise<void> {
    const proc = spawn(DOVECOT, ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const deadline = Date.now() + 15_000;
    while (!(await acceptsConnections(port))) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`dovecot did not start: ${stderr}\n${existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function stop(): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    // The master leaves running sessions to finish for a while after SIGTERM: drop them first, so
    // a stopped server is gone for its clients too.
    await promisify(execFile)(DOVEADM, ['-c', conf, 'kick', user]).catch(() => undefined);
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    // The master is gone; its port is free once the listener closed.
    while (await acceptsConnections(port)) await new Promise((r) => setTimeout(r, 50));
  }

  async function client(): Promise<ImapFlow> {
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, logger: false });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  }

  await start();
  return {
    port,
    user,
    password,
    url: `imap://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/INBOX`,
    client,
    async append(raw, folder = 'INBOX') {
      const c = await client();
      try {
        await c.append(folder, raw);
      } finally {
        await c.logout();
      }
    },
    async messages(folder) {
      const c = await client();
      try {
        const listed = await c.list();
        if (!listed.some((m) => m.path === folder)) return [];
        const lock = await c.getMailboxLock(folder);
        try {
          const out: { uid: number; source: Buffer }[] = [];
          const exists = typeof c.mailbox === 'object' ? c.mailbox.exists : 0;
          if (exists > 0) for await (const m of c.fetch('1:*', { uid: true, source: true })) if (m.source) out.push({ uid: m.uid, source: m.source });
          return out.sort((a, b) => a.uid - b.uid).map((m) => m.source);
        } finally {
          lock.release();
        }
      } finally {
        await c.logout();
      }
    },
    async kick() {
      await promisify(execFile)(DOVEADM, ['-c', conf, 'kick', user]);
    },
    stop,
    start,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
