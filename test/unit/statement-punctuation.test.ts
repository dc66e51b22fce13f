import { describe, expect, it } from 'vitest';
import { renderStatementTemplate } from '../../src/playbook/template.js';

const facts = new Set(['cause', 'eta', 'channels']);
const render = (source: string, vars: Record<string, string>, stop = '。') =>
  renderStatementTemplate(source, { 'firm.name': '示例证券', 'firm.hotline': '95000', ...vars }, facts, stop);

describe('a fact typed without a full stop still ends its sentence', () => {
  it('a fact that closes a line of prose gets the statement language\'s full stop', () => {
    expect(render('经核实，异常原因：{{cause}}\n', { cause: '配置变更错误' })).toBe('经核实，异常原因：配置变更错误。\n');
    expect(render('**Cause**: {{cause}}', { cause: 'a faulty configuration change' }, '.')).toBe('**Cause**: a faulty configuration change.');
  });

  it('one that already ends (also inside closing quotes) is left alone', () => {
    expect(render('原因：{{cause}}\n', { cause: '配置错误！' })).toBe('原因：配置错误！\n');
    expect(render('Cause: {{cause}}\n', { cause: 'the vendor said "restart."' }, '.')).toBe('Cause: the vendor said "restart."\n');
  });

  it('a fact the template follows with punctuation loses its own, so no 。。', () => {
    expect(render('{{#eta}}预计{{eta}}恢复{{/eta}}。也可通过{{channels}}。\n', { eta: '11:30', channels: '电话委托。' })).toBe('预计11:30恢复。也可通过电话委托。\n');
  });

  it('a fact closing a section that closes the line counts as closing the line', () => {
    expect(render('{{#cause}}原因：{{cause}}{{/cause}}\n', { cause: '网络故障' })).toBe('原因：网络故障。\n');
  });

  it('mid-sentence facts, headings, and the firm\'s own fields are not touched', () => {
    expect(render('# 关于{{channels}}\n预计{{eta}}左右恢复\n热线：{{firm.hotline}}\n{{firm.name}}', { channels: 'APP', eta: '11:30' })).toBe(
      '# 关于APP\n预计11:30左右恢复\n热线：95000\n示例证券',
    );
  });
});
