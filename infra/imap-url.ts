/** IMAP_URL parsing, apart from the poller so that reading the config does not load the IMAP client. */

export interface ImapEndpoint {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  mailbox: string;
}

/**
 * `imaps://user:pass@host[:993]/MAILBOX` (TLS) or `imap://...[:143]` (STARTTLS when the server offers
 * it); user and password percent-encoded; no path = INBOX. Errors never quote the URL (it holds the password).
 */
export function parseImapUrl(url: string): ImapEndpoint {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('not a URL: expected imap://user:pass@host[:port]/MAILBOX or imaps://...');
  }
  if (u.protocol !== 'imap:' && u.protocol !== 'imaps:') throw new Error(`scheme must be imap: or imaps:, not ${u.protocol}`);
  if (!u.hostname) throw new Error('the host is missing');
  if (!u.username || !u.password) throw new Error('the user and the password are required (imap://user:pass@host/...)');
  const secure = u.protocol === 'imaps:';
  let user: string;
  let pass: string;
  let mailbox: string;
  try {
    user = decodeURIComponent(u.username);
    pass = decodeURIComponent(u.password);
    mailbox = decodeURIComponent(u.pathname.replace(/^\//, ''));
  } catch {
    throw new Error('bad percent-encoding in the user, password or mailbox');
  }
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : secure ? 993 : 143,
    secure,
    user,
    pass,
    mailbox: mailbox === '' ? 'INBOX' : mailbox,
  };
}
