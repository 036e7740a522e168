import nodemailer from 'nodemailer';

export interface OutgoingMail {
  messageId: string;
  from?: string;
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html: string;
  attachments?: { filename: string; content?: Buffer | string; path?: string; contentType?: string }[];
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ accepted: string[] }>;
  verify(): Promise<void>;
  close(): void;
}

/** A mailer over any SMTP relay (`smtp://host:port`, `smtps://user:pass@host`). */
export function createMailer(smtpUrl: string, defaultFrom: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from: mail.from ?? defaultFrom,
        to: mail.to,
        cc: mail.cc,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        attachments: mail.attachments,
      });
      return { accepted: (info.accepted ?? []).map(String) };
    },
    async verify() {
      await transport.verify();
    },
    close: () => transport.close(),
  };
}
