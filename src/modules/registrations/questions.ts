/**
 * The custom questions of a session's registration form: listed for the form, added and removed by
 * the session's organisers (the routes ask the access policy first).
 */
import { FieldErrors } from '../../core/errors.js';
import { singleLine } from '../../core/text.js';
import type { Question, RegistrationRepository } from './repository.js';

export interface QuestionInput {
  label?: string;
  kind?: string;
  options?: string;
  required?: string;
}

export class QuestionService {
  constructor(private readonly repo: RegistrationRepository) {}

  list(sessionId: number): Question[] {
    return this.repo.questions(sessionId);
  }

  /** A text question, or a choice among at least two options (one a line, or separated by commas). */
  add(sessionId: number, input: QuestionInput): void {
    const label = singleLine(input.label ?? '').slice(0, 200);
    const kind = input.kind === 'choice' ? 'choice' : 'text';
    const options = kind === 'choice' ? (input.options ?? '').split(/\r?\n|,/).map((x) => singleLine(x)).filter(Boolean).slice(0, 30) : [];
    const errs = new FieldErrors();
    if (!label) errs.add('label', 'required', 'a question needs a label');
    if (kind === 'choice' && options.length < 2) errs.add('options', 'options_required', 'a choice needs at least two options');
    errs.throwIfAny();
    this.repo.addQuestion({ sessionId, label, kind, options, required: input.required === 'on' });
  }

  remove(sessionId: number, id: number): boolean {
    return this.repo.deleteQuestion(sessionId, id);
  }
}
