/** The request schemas of attendance pages: web forms, every field text (see core/render/boundary.ts). */
import Type from 'typebox';
import { Form, Params, Text } from '../../core/render/boundary.js';

export const JoinParams = Params({ token: Text });
export const MarkParams = Params({ id: Text, rid: Text });
export const MarkForm = Form({ attended: Type.Optional(Text) });
export const ImportForm = Form({ csv: Type.Optional(Text) });
