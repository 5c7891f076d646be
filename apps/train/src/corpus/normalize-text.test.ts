import { describe, expect, it } from 'vitest';
import { detokenizeWikitext, normalizeLine } from './normalize-text.js';

describe('normalizeLine', () => {
  it('composes to NFC and drops a trailing carriage return', () => {
    expect(normalizeLine('Cafe\u0301\r')).toBe('Caf\u00e9');
    expect(normalizeLine('plain')).toBe('plain');
  });
});

describe('detokenizeWikitext', () => {
  it('undoes the @-@, @,@ and @.@ escapes', () => {
    expect(detokenizeWikitext('a 17th @-@ place finish , worth 1 @,@ 000 or 2 @.@ 5 points')).toBe('a 17th-place finish, worth 1,000 or 2.5 points');
  });

  it('removes the space before closing punctuation and clitics, and inside brackets and quotes', () => {
    expect(detokenizeWikitext('The club \'s supporters ( mostly ) did n\'t say " Craig " ; it ended .')).toBe(
      'The club\'s supporters (mostly) didn\'t say "Craig"; it ended.',
    );
  });

  it('compacts heading markers and keeps <unk>', () => {
    expect(detokenizeWikitext(' = = Background and pre @-@ season = = ')).toBe('== Background and pre-season ==');
    expect(detokenizeWikitext(' = Robert Boulter = ')).toBe('= Robert Boulter =');
    expect(detokenizeWikitext('the <unk> season')).toBe('the <unk> season');
  });
});
