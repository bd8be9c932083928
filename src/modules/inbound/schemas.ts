/** Schemas of the inbound mail endpoint. */
import Type from 'typebox';

export const InboundQuery = Type.Object({
  to: Type.Optional(Type.String({ maxLength: 320, description: 'The address the message was delivered to (else X-Original-To, Delivered-To or To)' })),
});

export const InboundResult = Type.Object({
  outcome: Type.String({ description: 'declined, accepted, confirmed, tentative, undeliverable, delayed, forwarded, duplicate or ignored' }),
});

export const InboundError = Type.Object({ error: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) });

/** The media types the endpoint takes: the raw message. */
export const RAW_MAIL_TYPES = ['message/rfc822', 'text/plain'] as const;
