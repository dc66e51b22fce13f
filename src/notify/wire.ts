// The platforms' wire formats (SPEC §9), as pure functions: a notice becomes the bodies to post,
// and a body is signed for the moment it is sent. No clock, no network here.
import { createHmac } from 'node:crypto';
import type { ChannelType } from '../playbook/schema.js';
import { messages } from '../i18n/messages.js';
import type { SendableNotice } from './notice.js';

/** WeCom: a markdown message is at most 4096 bytes of UTF-8. */
export const WECOM_MARKDOWN_BYTES = 4096;
/** WeCom: a text message (the one that carries the mentions) is at most 2048 bytes. */
export const WECOM_TEXT_BYTES = 2048;
/**
 * DingTalk refuses a body over 20 000 bytes (460101) and Feishu one over 20 KB: the text of one
 * message is kept well under, leaving room for the JSON around it.
 */
export const CHAT_BODY_TEXT_BYTES = 15_000;

/** One HTTP request to make, before signing. */
export interface WirePart {
  body: Record<string, unknown>;
  contentType: string;
}

/** A request ready to go: what `fetch` is given. */
export interface SignedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * Splits text into pieces of at most `max` UTF-8 bytes, at line boundaries; a single line longer
 * than that is cut between characters, never inside one (no broken UTF-8, no split surrogate pair).
 */
export function splitByBytes(text: string, max: number): string[] {
  if (max < 4) throw new RangeError('max must leave room for one character');
  const pieces: string[] = [];
  let current = '';
  const flush = () => {
    if (current !== '') pieces.push(current);
    current = '';
  };
  for (const line of text.split('\n')) {
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (bytes(candidate) <= max) {
      current = candidate;
      continue;
    }
    flush();
    if (bytes(line) <= max) {
      current = line;
      continue;
    }
    let size = 0;
    for (const ch of line) {
      const n = bytes(ch);
      if (size + n > max) {
        flush();
        size = 0;
      }
      current += ch;
      size += n;
    }
  }
  flush();
  return pieces.length > 0 ? pieces : [''];
}

/**
 * The notice as markdown parts of at most `max` bytes each: the title leads every part, the
 * notification id closes it, and a split message says which part it is.
 */
export function markdownParts(notice: SendableNotice, max: number, head = (title: string) => `**${title}**`): string[] {
  const body = notice.lines.join('\n');
  const whole = `${head(notice.title)}\n${body}\n${notice.footer}`;
  if (bytes(whole) <= max) return [whole];
  // a marker of the widest form the split can need, so every part fits whatever its number
  const marker = (n: number, total: number) => messages(notice.lang).t('notify.part', { n, total });
  const frame = bytes(`${head(notice.title)} ${marker(999, 999)}\n\n${notice.footer}`);
  const pieces = splitByBytes(body, Math.max(64, max - frame));
  return pieces.map((piece, i) => `${head(notice.title)} ${marker(i + 1, pieces.length)}\n${piece}\n${notice.footer}`);
}

/** Markdown to plain text for a Slack-compatible `{"text"}`: the emphasis marks go, the words stay. */
export function plainFromMarkdown(markdown: string): string {
  return markdown.replace(/\*\*(.+?)\*\*/g, '$1').replace(/`([^`]*)`/g, '$1');
}

const json = 'application/json';

function wecomParts(notice: SendableNotice): WirePart[] {
  const parts: WirePart[] = markdownParts(notice, WECOM_MARKDOWN_BYTES).map((content) => ({
    body: { msgtype: 'markdown', markdown: { content } },
    contentType: json,
  }));
  const mobiles = notice.mentions.flatMap((m) => (m.mobile ? [m.mobile] : []));
  if (mobiles.length > 0) {
    // WeCom markdown cannot mention anyone: a text message alongside carries mentioned_mobile_list
    const names = notice.mentions.filter((m) => m.mobile).map((m) => m.name).join(', ');
    const content = splitByBytes(`${messages(notice.lang).t('notify.mention', { names })} — ${notice.footer}`, WECOM_TEXT_BYTES)[0]!;
    parts.push({ body: { msgtype: 'text', text: { content, mentioned_mobile_list: mobiles } }, contentType: json });
  }
  return parts;
}

function dingtalkParts(notice: SendableNotice): WirePart[] {
  const mobiles = notice.mentions.flatMap((m) => (m.mobile ? [m.mobile] : []));
  // DingTalk's documented line break in markdown is "\n" with two spaces either side
  const texts = markdownParts(notice, CHAT_BODY_TEXT_BYTES, (title) => `### ${title}`).map((text) => text.replaceAll('\n', '  \n  '));
  return texts.map((text, i) => {
    const last = i === texts.length - 1;
    // DingTalk highlights a mention only when the text names the mobile as @mobile
    const withAt = last && mobiles.length > 0 ? `${text}\n\n${mobiles.map((m) => `@${m}`).join(' ')}` : text;
    return {
      body: {
        msgtype: 'markdown',
        markdown: { title: notice.title, text: withAt },
        ...(last && mobiles.length > 0 ? { at: { atMobiles: mobiles, isAtAll: false } } : {}),
      },
      contentType: json,
    };
  });
}

function feishuParts(notice: SendableNotice): WirePart[] {
  // the card's header carries the title and its note the id: only the lines are split
  const bodies = splitByBytes(notice.lines.join('\n'), CHAT_BODY_TEXT_BYTES);
  const parts: WirePart[] = bodies.map((content, i) => ({
    body: {
      msg_type: 'interactive',
      card: {
        config: { wide_screen_mode: true },
        header: {
          title: { tag: 'plain_text', content: bodies.length > 1 ? `${notice.title} ${messages(notice.lang).t('notify.part', { n: i + 1, total: bodies.length })}` : notice.title },
          template: headerColour(notice),
        },
        elements: [
          { tag: 'div', text: { tag: 'lark_md', content } },
          { tag: 'note', elements: [{ tag: 'plain_text', content: notice.footer }] },
        ],
      },
    },
    contentType: json,
  }));
  const people = notice.mentions.filter((m) => m.feishu);
  if (people.length > 0) {
    // a card's markdown has its own mention syntax; the text message takes SPEC §9's <at user_id>
    const ats = people.map((m) => `<at user_id="${escapeAttribute(m.feishu!)}">${escapeAttribute(m.name)}</at>`).join(' ');
    parts.push({ body: { msg_type: 'text', content: { text: `${ats} ${notice.title} — ${notice.footer}` } }, contentType: json });
  }
  return parts;
}

function headerColour(notice: SendableNotice): string {
  if (notice.drill) return 'grey';
  if (notice.kind === 'overdue') return 'red';
  if (notice.kind === 'due' || notice.kind === 'approval') return 'orange';
  if (notice.kind === 'recovered' || notice.kind === 'closed') return 'green';
  return notice.data.tier === 'critical' || notice.data.tier === 'severe' ? 'red' : 'blue';
}

function escapeAttribute(value: string): string {
  return value.replace(/[<>"&]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function webhookParts(notice: SendableNotice): WirePart[] {
  const names = notice.mentions.map((m) => m.name);
  const lines = [notice.title, ...notice.lines, ...(names.length ? [messages(notice.lang).t('notify.mention', { names: names.join(', ') })] : []), notice.footer];
  return [{ body: { text: plainFromMarkdown(lines.join('\n')) }, contentType: json }];
}

/** CloudEvents 1.0, structured content mode: the event itself is the body. */
export function cloudEvent(notice: SendableNotice): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: notice.id,
    source: 'sec-incident',
    type: `cn.sec-incident.${notice.kind}`,
    subject: notice.incident,
    time: new Date(notice.at).toISOString(),
    datacontenttype: 'application/json',
    data: { ...notice.data, kind: notice.kind, text: plainFromMarkdown([notice.title, ...notice.lines].join('\n')), mentions: notice.mentions.map((m) => m.name) },
  };
}

/** The requests that deliver a notice on a platform, in order. */
export function encodeNotice(notice: SendableNotice, type: ChannelType): WirePart[] {
  switch (type) {
    case 'wecom':
      return wecomParts(notice);
    case 'dingtalk':
      return dingtalkParts(notice);
    case 'feishu':
      return feishuParts(notice);
    case 'webhook':
      return webhookParts(notice);
    case 'cloudevents':
      return [{ body: cloudEvent(notice), contentType: 'application/cloudevents+json' }];
  }
}

/** DingTalk: Base64 of HMAC-SHA256 keyed with the secret over `timestamp + "\n" + secret`; timestamp in ms. */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/** Feishu: Base64 of HMAC-SHA256 keyed with `timestamp + "\n" + secret` over an empty message; timestamp in s. */
export function feishuSign(secret: string, timestampS: number): string {
  return createHmac('sha256', `${timestampS}\n${secret}`).update('').digest('base64');
}

/** Signs a part for the moment it is sent (a retry signs again: DingTalk and Feishu allow an hour). */
export function signPart(part: WirePart, type: ChannelType, target: { url: string; secret?: string }, now: number): SignedRequest {
  const headers = { 'content-type': `${part.contentType}; charset=utf-8` };
  if (type === 'dingtalk' && target.secret) {
    const sign = encodeURIComponent(dingtalkSign(target.secret, now));
    const url = `${target.url}${target.url.includes('?') ? '&' : '?'}timestamp=${now}&sign=${sign}`;
    return { url, headers, body: JSON.stringify(part.body) };
  }
  if (type === 'feishu' && target.secret) {
    const timestamp = Math.floor(now / 1000);
    return { url: target.url, headers, body: JSON.stringify({ timestamp: String(timestamp), sign: feishuSign(target.secret, timestamp), ...part.body }) };
  }
  return { url: target.url, headers, body: JSON.stringify(part.body) };
}
