import { describe, expect, it } from 'vitest';
import { errorSummaryOf } from '../../../src/core/render/error-summary.js';

describe('the error summary', () => {
  it('links each error shown beside a field to that field, in page order', () => {
    const body = '<input id="f-name"><p class="error" id="f-name-error">your name is required</p><select id="f-q7"></select><p class="error" id="f-q7-error">choose one of the options</p>';
    expect(errorSummaryOf(body)).toEqual([
      { field: 'f-name', html: 'your name is required' },
      { field: 'f-q7', html: 'choose one of the options' },
    ]);
  });

  it('keeps an error that has no field on the page, as text, once', () => {
    const body = '<input id="f-email"><p class="error" id="f-email-error">already registered</p>';
    const items = errorSummaryOf(body, { form: { errors: { email: 'already registered', session: 'this session has been cancelled' } }, actionErrors: { capacity: 'Every <place> is taken' } });
    expect(items).toEqual([
      { field: 'f-email', html: 'already registered' },
      { html: 'this session has been cancelled' },
      { html: 'Every &lt;place&gt; is taken' },
    ]);
  });

  it('links to the message itself when the page has no element with the field\'s id', () => {
    expect(errorSummaryOf('<fieldset><p class="error" id="poll-invite-hubIds-error">choose a hub</p></fieldset>')).toEqual([{ field: 'poll-invite-hubIds-error', html: 'choose a hub' }]);
  });

  it('is empty when the page has no error', () => {
    expect(errorSummaryOf('<form><input id="f-name"></form>', { errors: {}, messageErrors: {} })).toEqual([]);
  });
});
