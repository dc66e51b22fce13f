// The fields of a mention, and which column of an export holds each: header presets for the
// usual Chinese and English exports of monitoring platforms, and `--map column=field` overrides.
// Pure: no I/O, no text for people (problems are codes the edge renders).

export const SIGNAL_FIELDS = ['time', 'platform', 'title', 'url', 'author', 'reposts', 'comments', 'likes', 'views', 'sentiment'] as const;
export type SignalField = (typeof SIGNAL_FIELDS)[number];
export const COUNT_FIELDS = ['reposts', 'comments', 'likes', 'views'] as const;
export type CountField = (typeof COUNT_FIELDS)[number];

// headers as monitoring platforms write them, compared after normalise(); first match wins
const PRESETS: Record<SignalField, string[]> = {
  time: [
    '发布时间', '时间', '发文时间', '发帖时间', '发表时间', '创建时间', '日期', '采集时间',
    'time', 'date', 'datetime', 'published', 'publishedat', 'publishtime', 'publishdate', 'pubdate', 'createdat', 'timestamp', 'postedat',
  ],
  platform: [
    '来源', '平台', '媒体', '媒体名称', '来源网站', '来源平台', '站点', '网站', '渠道', '媒体类型',
    'platform', 'source', 'site', 'media', 'medianame', 'channel', 'outlet', 'website',
  ],
  title: ['标题', '文章标题', '帖子标题', '内容', '摘要', 'title', 'headline', 'subject', 'content', 'text'],
  url: ['链接', '原文链接', '网址', 'url', 'link', 'href', 'permalink'],
  author: ['作者', '发布者', '博主', '用户', '用户名', '账号', '发布人', 'author', 'user', 'username', 'account', 'poster', 'by'],
  reposts: ['转发数', '转发', '转发量', '分享数', '转载数', 'reposts', 'repostcount', 'reposted', 'shares', 'sharecount', 'forwards', 'retweets'],
  comments: ['评论数', '评论', '评论量', '回复数', 'comments', 'commentcount', 'replies', 'replycount'],
  likes: ['点赞数', '点赞', '点赞量', '赞', 'likes', 'likecount', 'upvotes', 'favorites'],
  views: ['阅读数', '浏览量', '阅读量', '浏览数', '播放量', '阅读', 'views', 'viewcount', 'reads', 'readcount', 'impressions', 'plays'],
  sentiment: ['情感倾向', '情感', '情感属性', '倾向性', '倾向', '正负面', '调性', 'sentiment', 'polarity', 'tone', 'emotion'],
};

/** A header as compared: no BOM, quotes, spaces, underscores or hyphens, a unit in brackets dropped, any case. */
export function normaliseHeader(header: string): string {
  return header
    .replace(/^\ufeff/, '')
    .replace(/[（(][^）)]*[）)]\s*$/u, '')
    .replace(/[\s_\-."'“”‘’:：]/g, '')
    .toLowerCase();
}

const PRESET_INDEX = new Map<string, SignalField>();
for (const field of SIGNAL_FIELDS) {
  for (const h of PRESETS[field]) if (!PRESET_INDEX.has(normaliseHeader(h))) PRESET_INDEX.set(normaliseHeader(h), field);
}

export function presetField(header: string): SignalField | undefined {
  return PRESET_INDEX.get(normaliseHeader(header));
}

export interface ColumnMap {
  column: string;
  field: SignalField;
}

export type MapProblem = { code: 'map.syntax'; value: string } | { code: 'map.field'; field: string; value: string };

/** `--map 发文渠道=platform` … as column → field; problems say which flag is wrong. */
export function parseColumnMaps(raw: readonly string[]): { maps: ColumnMap[]; problems: MapProblem[] } {
  const maps: ColumnMap[] = [];
  const problems: MapProblem[] = [];
  for (const value of raw) {
    const at = value.lastIndexOf('=');
    const column = value.slice(0, at).trim();
    const field = value.slice(at + 1).trim();
    if (at <= 0 || column === '' || field === '') problems.push({ code: 'map.syntax', value });
    else if (!(SIGNAL_FIELDS as readonly string[]).includes(field)) problems.push({ code: 'map.field', field, value });
    else maps.push({ column, field: field as SignalField });
  }
  return { maps, problems };
}

/** Which column holds which field: `--map` first, then the presets, the leftmost column winning. */
export type ColumnPlan = Partial<Record<SignalField, number>>;

export function planColumns(header: readonly string[], maps: readonly ColumnMap[]): { plan: ColumnPlan; unknownColumns: string[] } {
  const plan: ColumnPlan = {};
  const taken = new Set<number>();
  const unknownColumns: string[] = [];
  for (const { column, field } of maps) {
    // the exact header first, then the header as compared (spaces, case)
    let index = header.findIndex((h) => h.replace(/^\ufeff/, '').trim() === column);
    if (index < 0) index = header.findIndex((h) => normaliseHeader(h) === normaliseHeader(column));
    if (index < 0) unknownColumns.push(column);
    else {
      plan[field] = index;
      taken.add(index);
    }
  }
  header.forEach((h, index) => {
    const field = presetField(h);
    if (field && plan[field] === undefined && !taken.has(index)) {
      plan[field] = index;
      taken.add(index);
    }
  });
  return { plan, unknownColumns };
}
