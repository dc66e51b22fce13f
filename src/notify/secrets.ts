// Robot URLs and secrets are read at the edge, the moment a message goes out, and never printed:
// errors name the team and the channel, and where the value should have come from.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { InputError, message, type Message } from '../errors.js';
import type { Channel, SecretRef } from '../playbook/schema.js';

/** A channel of a team, as the outbox names it: never by its URL. */
export interface ChannelAddress {
  team: string;
  /** 1-based position in the team's `channels:` list. */
  index: number;
  channel: Channel;
}

/** The URL and secret of a channel, resolved: these values must not reach a log, a stream or an error. */
export interface ChannelSecrets {
  url: string;
  secret?: string;
}

export function channelLabel(address: Pick<ChannelAddress, 'team' | 'index'> & { type: string }): Message {
  return message('notify.channel', { team: address.team, index: address.index, type: address.type });
}

/** A relative `{file:}` is relative to the folder of teams.yaml, so the pinned teams say where they looked. */
export function anchorRef(ref: SecretRef, dir: string): SecretRef {
  return 'file' in ref && !isAbsolute(ref.file) ? { file: resolve(dir, ref.file) } : ref;
}

export function anchorChannel(channel: Channel, dir: string): Channel {
  const url = anchorRef(channel.url, dir);
  return 'secret' in channel && channel.secret ? { ...channel, url, secret: anchorRef(channel.secret, dir) } : { ...channel, url };
}

function readRef(ref: SecretRef, what: 'url' | 'secret', label: Message, env: NodeJS.ProcessEnv): string {
  const whatText = message(`notify.what.${what}`);
  let value: string | undefined;
  if ('env' in ref) {
    value = env[ref.env];
    if (value === undefined) throw new InputError('notify.envMissing', { channel: label, name: ref.env, what: whatText });
  } else {
    try {
      value = readFileSync(ref.file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new InputError('notify.fileUnreadable', { channel: label, file: ref.file, what: whatText, detail: code });
    }
  }
  // a file written by an editor ends with a newline that is not part of the URL
  value = value.trim();
  if (value === '') throw new InputError('notify.empty', { channel: label, what: whatText });
  return value;
}

/** Reads a channel's URL (and secret) from where the config names them; throws naming the channel, never the value. */
export function resolveChannel(address: ChannelAddress, env: NodeJS.ProcessEnv): ChannelSecrets {
  const { channel } = address;
  const label = channelLabel({ ...address, type: channel.type });
  const url = readRef(channel.url, 'url', label, env);
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) throw new InputError('notify.notUrl', { channel: label });
  if (channel.type === 'dingtalk' || channel.type === 'feishu') {
    // both robots can also be guarded by keywords or an IP allowlist instead: a secret is optional
    return channel.secret ? { url, secret: readRef(channel.secret, 'secret', label, env) } : { url };
  }
  return { url };
}
