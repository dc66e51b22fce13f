import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../../src/errors.js';
import { messages } from '../../src/i18n/messages.js';
import { resolveChannel } from '../../src/notify/secrets.js';
import { loadTeams } from '../../src/playbook/library.js';

const dir = mkdtempSync(join(tmpdir(), 'notify-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function teamsFile(channels: string): string {
  const folder = mkdtempSync(join(dir, 'pb-'));
  writeFileSync(
    join(folder, 'teams.yaml'),
    `teams:\n  - id: leadership\n    name: 领导小组\n    activate: [severe]\n    members:\n      - {name: 张三, mobile: "13800000001", feishu: ou_zhangsan}\n    channels:\n${channels}`,
  );
  return folder;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof CliError) return error.problems.map((p) => `${p.line}:${p.col}: ${messages('en').say(p.message)}`);
    throw error;
  }
  return [];
}

describe('channels in teams.yaml', () => {
  it('accepts every platform, with the URL and secret named by environment variable or file', () => {
    const folder = teamsFile(
      [
        '      - {type: wecom, url: {env: WECOM_URL}}',
        '      - {type: dingtalk, url: {env: DT_URL}, secret: {env: DT_SECRET}}',
        '      - {type: feishu, url: {file: feishu.url}, secret: {env: FS_SECRET}, drill: true}',
        '      - {type: webhook, url: {env: HOOK_URL}}',
        '      - {type: cloudevents, url: {env: CE_URL}}',
      ].join('\n') + '\n',
    );
    const [team] = loadTeams(folder);
    expect(team!.channels!.map((c) => c.type)).toEqual(['wecom', 'dingtalk', 'feishu', 'webhook', 'cloudevents']);
    // a relative file is read from the folder of teams.yaml
    expect(team!.channels![2]!.url).toEqual({ file: join(folder, 'feishu.url') });
    expect(team!.members[0]).toMatchObject({ mobile: '13800000001', feishu: 'ou_zhangsan' });
  });

  it('refuses a URL written in the YAML, at its line and column, without repeating it', () => {
    const folder = teamsFile('      - type: wecom\n        url: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=LEAKED-KEY\n');
    const problems = problemsOf(() => loadTeams(folder));
    expect(problems).toEqual([expect.stringMatching(/^9:14: teams\[0\]\.channels\[0\]\.url must be \{env: NAME\} or \{file: path\}/)]);
    expect(problems.join('\n')).not.toContain('LEAKED-KEY');
  });

  it('refuses a secret written in the YAML, and an unknown platform', () => {
    const folder = teamsFile('      - {type: dingtalk, url: {env: DT_URL}, secret: SEC-LEAKED}\n      - {type: slack, url: {env: X}}\n');
    const problems = problemsOf(() => loadTeams(folder));
    expect(problems.join('\n')).toMatch(/channels\[0\]\.secret must be \{env: NAME\} or \{file: path\}/);
    expect(problems.join('\n')).toMatch(/channels\[1\]\.type must be one of: wecom, dingtalk, feishu, webhook, cloudevents/);
    expect(problems.join('\n')).not.toContain('SEC-LEAKED');
  });
});

describe('resolving a channel at the edge', () => {
  const address = (channel: any) => ({ team: 'leadership', index: 2, channel });

  it('reads the URL and secret from the environment or a file', () => {
    const file = join(dir, 'secret.txt');
    writeFileSync(file, 'file-secret\n');
    const resolved = resolveChannel(address({ type: 'dingtalk', url: { env: 'DT_URL' }, secret: { file }, drill: false }), { DT_URL: 'https://oapi.dingtalk.com/robot/send?access_token=abc' });
    expect(resolved).toEqual({ url: 'https://oapi.dingtalk.com/robot/send?access_token=abc', secret: 'file-secret' });
  });

  it('names the team, the channel and the variable when something is missing, never a value', () => {
    const channel = { type: 'feishu', url: { env: 'FS_URL' }, secret: { env: 'FS_SECRET' }, drill: false };
    expect(messages('en').error(catching(() => resolveChannel(address(channel), { FS_URL: 'https://open.feishu.cn/open-apis/bot/v2/hook/SECRET-HOOK' })))).toContain(
      'team leadership, channel 2 (feishu): the environment variable FS_SECRET that holds its secret is not set',
    );
    let message = '';
    try {
      resolveChannel(address({ type: 'wecom', url: { env: 'W' }, drill: false }), { W: 'ftp://example/SECRET-PATH' });
    } catch (error) {
      message = messages('en').error(error);
    }
    expect(message).toBe('team leadership, channel 2 (wecom): its URL is not an http(s) URL');
    mkdirSync(join(dir, 'nope'), { recursive: true });
    expect(messages('en').error(catching(() => resolveChannel(address({ type: 'webhook', url: { file: join(dir, 'nope', 'missing') }, drill: false }), {})))).toMatch(/cannot read the file .*missing that holds its URL \(ENOENT\)/);
  });
});

function catching(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}
