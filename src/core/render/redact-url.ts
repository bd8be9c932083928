/** /r/<token>/…, /calls/<token>/…, /invitations/<token>, /password/reset/<token> and ?token=… never reach a log line. */
export function redactUrl(url: string): string {
  return url.replace(/\/(r|v|join|poll|calls|invitations|password\/reset)\/[^/?#]+/g, '/$1/[token]').replace(/([?&](?:token|t|prefill)=)[^&#]*/g, '$1[token]');
}
