/** The slugs of the seed data, shared by the seed and the follow-up's date poll. */
export const SERIES_SLUG = 'next-generation-of-public-services';
export const WEBINAR_SLUG = 'next-generation-of-public-services-2021-07-15';
export const FOLLOW_UP_SLUG = 'next-generation-of-public-services-case-studies';
