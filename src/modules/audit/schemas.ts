/** The request schemas of the audit log page: its filters and page link, each one text. */
import Type from 'typebox';
import { Query, Text } from '../../core/render/boundary.js';

export const AuditPageQuery = Query({
  action: Type.Optional(Text),
  actor: Type.Optional(Text),
  session: Type.Optional(Text),
  from: Type.Optional(Text),
  to: Type.Optional(Text),
  before: Type.Optional(Text),
});
