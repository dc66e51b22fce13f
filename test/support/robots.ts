// A stand-in for the platforms' robots, on 127.0.0.1 only: it checks what arrives the way each
// platform documents it (key, signature, size), answers with the platform's codes, can be told to
// answer "too fast", and records what arrived.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Platform = 'wecom' | 'dingtalk' | 'feishu' | 'webhook' | 'cloudevents';

export interface Arrival {
  platform: Platform;
  contentType: string;
  body: any;
  raw: string;
  at: number;
}

export interface RobotsOptions {
  wecomKey?: string;
  dingtalkToken?: string;
  dingtalkSecret?: string;
  feishuHook?: string;
  feishuSecret?: string;
}

const HOUR = 3_600_000;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export class Robots {
  readonly arrivals: Arrival[] = [];
  /** Requests seen, accepted or not. */
  requests = 0;
  private limited: Partial<Record<Platform, number>> = {};
  private stalls: Partial<Record<Platform, number>> = {};
  private stallMs = 1000;
  private limitAfter: Partial<Record<Platform, number>> = {};
  private server!: Server;
  port = 0;

  constructor(readonly options: Required<RobotsOptions>) {}

  static async start(options: RobotsOptions = {}): Promise<Robots> {
    const robots = new Robots({
      wecomKey: 'wecom-key-0001',
      dingtalkToken: 'dt-token-0001',
      dingtalkSecret: 'SECdingtalk-secret-0001',
      feishuHook: 'fs-hook-0001',
      feishuSecret: 'feishu-secret-0001',
      ...options,
    });
    robots.server = createServer((req, res) => {
      void robots.handle(req).then(([status, body, headers]) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => robots.server.listen(0, '127.0.0.1', resolve));
    robots.port = (robots.server.address() as AddressInfo).port;
    return robots;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  url(platform: Platform): string {
    switch (platform) {
      case 'wecom':
        return `${this.base}/cgi-bin/webhook/send?key=${this.options.wecomKey}`;
      case 'dingtalk':
        return `${this.base}/robot/send?access_token=${this.options.dingtalkToken}`;
      case 'feishu':
        return `${this.base}/open-apis/bot/v2/hook/${this.options.feishuHook}`;
      case 'webhook':
        return `${this.base}/hooks/slack`;
      case 'cloudevents':
        return `${this.base}/events`;
    }
  }

  /** After `after` more accepted requests, the next `count` to a platform get its "too fast" code. */
  rateLimit(platform: Platform, count: number, after = 0): void {
    this.limited[platform] = count;
    this.limitAfter[platform] = after;
  }

  /** The next `count` requests to a platform get no answer until the client gives up. */
  stall(platform: Platform, count: number, ms = 1000): void {
    this.stalls[platform] = count;
    this.stallMs = ms;
  }

  of(platform: Platform): Arrival[] {
    return this.arrivals.filter((a) => a.platform === platform);
  }

  private take(map: Partial<Record<Platform, number>>, platform: Platform): boolean {
    const left = map[platform] ?? 0;
    if (left <= 0) return false;
    map[platform] = left - 1;
    return true;
  }

  private async handle(req: IncomingMessage): Promise<[number, string, Record<string, string>?]> {
    this.requests += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.base);
    const platform = this.platformOf(url);
    if (!platform) return [404, '{}'];
    if (this.take(this.stalls, platform)) await new Promise((r) => setTimeout(r, this.stallMs));
    let body: any;
    try {
      body = JSON.parse(raw);
    } catch {
      return platform === 'feishu' ? [400, JSON.stringify({ code: 9499, msg: 'Bad Request', data: {} })] : [400, '{"errcode":40001}'];
    }
    const answer = this.check(platform, url, body, raw);
    if (answer) return answer;
    if (!this.take(this.limitAfter, platform) && this.take(this.limited, platform)) return this.tooFast(platform);
    this.arrivals.push({ platform, contentType: String(req.headers['content-type'] ?? ''), body, raw, at: Date.now() });
    switch (platform) {
      case 'wecom':
      case 'dingtalk':
        return [200, JSON.stringify({ errcode: 0, errmsg: 'ok' })];
      case 'feishu':
        return [200, JSON.stringify({ code: 0, msg: 'success', data: {} })];
      case 'webhook':
        return [200, 'ok'];
      case 'cloudevents':
        return [202, ''];
    }
  }

  private platformOf(url: URL): Platform | undefined {
    if (url.pathname === '/cgi-bin/webhook/send') return 'wecom';
    if (url.pathname === '/robot/send') return 'dingtalk';
    if (url.pathname.startsWith('/open-apis/bot/v2/hook/')) return 'feishu';
    if (url.pathname === '/hooks/slack') return 'webhook';
    if (url.pathname === '/events') return 'cloudevents';
    return undefined;
  }

  private tooFast(platform: Platform): [number, string, Record<string, string>?] {
    switch (platform) {
      case 'wecom':
        return [200, JSON.stringify({ errcode: 45009, errmsg: 'api freq out of limit' })];
      case 'dingtalk':
        return [200, JSON.stringify({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' })];
      case 'feishu':
        return [200, JSON.stringify({ code: 11232, msg: 'frequency limited', data: {} })];
      default:
        return [429, 'slow down', { 'retry-after': '1' }];
    }
  }

  /** The platform's own checks; an answer when the request is refused. */
  private check(platform: Platform, url: URL, body: any, raw: string): [number, string] | undefined {
    const now = Date.now();
    if (platform === 'wecom') {
      if (url.searchParams.get('key') !== this.options.wecomKey) return [200, JSON.stringify({ errcode: 93000, errmsg: 'invalid webhook url' })];
      if (body.msgtype === 'markdown' && bytes(body.markdown?.content ?? '') > 4096) {
        return [200, JSON.stringify({ errcode: 40058, errmsg: 'markdown.content exceed max length 4096' })];
      }
      if (body.msgtype === 'text' && bytes(body.text?.content ?? '') > 2048) return [200, JSON.stringify({ errcode: 40058, errmsg: 'text.content exceed max length 2048' })];
      return undefined;
    }
    if (platform === 'dingtalk') {
      if (url.searchParams.get('access_token') !== this.options.dingtalkToken) return [200, JSON.stringify({ errcode: 300001, errmsg: 'token is not exist' })];
      // DingTalk: timestamp in ms within an hour; sign = urlencode(base64(HmacSHA256(secret, ts + "\n" + secret)))
      const timestamp = url.searchParams.get('timestamp') ?? '';
      const sign = url.searchParams.get('sign') ?? '';
      const expected = createHmac('sha256', this.options.dingtalkSecret).update(`${timestamp}\n${this.options.dingtalkSecret}`).digest('base64');
      if (!/^\d+$/.test(timestamp) || Math.abs(now - Number(timestamp)) > HOUR || sign !== expected) {
        return [200, JSON.stringify({ errcode: 310000, errmsg: 'sign not match' })];
      }
      if (bytes(raw) > 20_000) return [200, JSON.stringify({ errcode: 460101, errmsg: 'message too long' })];
      return undefined;
    }
    if (platform === 'feishu') {
      if (!url.pathname.endsWith(`/${this.options.feishuHook}`)) return [404, JSON.stringify({ code: 19001, msg: 'param invalid: incoming webhook access token invalid' })];
      // Feishu: timestamp in s within an hour; sign = base64(HmacSHA256(key = ts + "\n" + secret, msg = ""))
      const timestamp = String(body.timestamp ?? '');
      const expected = createHmac('sha256', `${timestamp}\n${this.options.feishuSecret}`).update(Buffer.alloc(0)).digest('base64');
      if (!/^\d+$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > 3600 || body.sign !== expected) {
        return [200, JSON.stringify({ code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time', data: {} })];
      }
      if (bytes(raw) > 20 * 1024) return [200, JSON.stringify({ code: 9499, msg: 'Bad Request', data: {} })];
      return undefined;
    }
    if (platform === 'cloudevents') {
      if (body.specversion !== '1.0' || !body.id || !body.source || !body.type) return [400, '{}'];
    }
    return undefined;
  }
}
