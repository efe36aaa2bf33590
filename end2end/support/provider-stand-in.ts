// A model-provider stand-in on 127.0.0.1 for the browser tests of live checks, answering as
// Anthropic, OpenAI (under /openai/v1) and OpenRouter (under /api/v1) do, from their documented
// bodies. The end of the secret picks the answer: -INVALID, -EXPIRED, -CCONLY, -BILLING, -RATE,
// -REGION, -ERROR500, -SLOW (no answer for 30 s); anything else is accepted. It records what it
// was asked (method, path, which header carried a secret).
import * as http from 'node:http';

export interface Seen { method: string; path: string; header: string }

export interface StandIn { port: number; seen: Seen[]; close: () => Promise<void> }

function anthropicError(status: number, type: string, message: string): [number, unknown] {
  return [status, { type: 'error', error: { type, message } }];
}

function answer(method: string, path: string, secret: string, bearer: boolean): [number, unknown] {
  const outcome = ['INVALID', 'EXPIRED', 'CCONLY', 'BILLING', 'RATE', 'REGION', 'ERROR500'].find((o) => secret.endsWith(`-${o}`));
  if (outcome === 'ERROR500') return [500, 'upstream connect error'];
  if (path.startsWith('/api/v1/')) {
    if (outcome === 'INVALID') return [401, { error: { code: 401, message: 'No auth credentials found' } }];
    if (outcome === 'BILLING') return [402, { error: { code: 402, message: 'Insufficient credits' } }];
    return [200, { data: { label: 'sk-or-v1-e2e...', limit: 25, limit_remaining: 17.5, usage: 7.5, is_free_tier: false, expires_at: null } }];
  }
  if (path.startsWith('/openai/')) {
    if (outcome === 'INVALID') return [401, { error: { message: 'Incorrect API key provided: sk-proj-****. You can find your API key at https://platform.openai.com/account/api-keys.', type: 'invalid_request_error', code: 'invalid_api_key' } }];
    if (outcome === 'BILLING') return [429, { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', code: 'insufficient_quota' } }];
    return [200, { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model' }] }];
  }
  switch (outcome) {
    case 'INVALID': return bearer ? anthropicError(401, 'authentication_error', 'Invalid bearer token') : anthropicError(401, 'authentication_error', 'invalid x-api-key');
    case 'EXPIRED': return anthropicError(401, 'authentication_error', 'OAuth token has expired. Please obtain a new token or refresh your existing token.');
    case 'CCONLY': return anthropicError(400, 'invalid_request_error', 'This credential is only authorized for use with Claude Code and cannot be used for other API requests.');
    case 'BILLING': return anthropicError(400, 'invalid_request_error', 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.');
    case 'RATE': return anthropicError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit');
    case 'REGION': return anthropicError(403, 'forbidden', 'Request not allowed: this region is not supported');
  }
  if (method === 'POST') return [200, { id: 'msg_e2e', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'OK' }], stop_reason: 'end_turn', usage: { input_tokens: 10, output_tokens: 1 } }];
  return [200, { data: [{ type: 'model', id: 'claude-sonnet-4-5' }], has_more: false }];
}

export function startStandIn(): Promise<StandIn> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const auth = req.headers['authorization'];
    const key = req.headers['x-api-key'];
    const secret = String(key ?? (auth ?? '').replace(/^Bearer /, ''));
    seen.push({ method: req.method ?? '', path: req.url ?? '', header: key ? 'x-api-key' : auth ? 'authorization' : 'none' });
    req.resume();
    req.on('end', () => {
      const reply = () => {
        const [status, body] = answer(req.method ?? 'GET', req.url ?? '/', secret, !key);
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
        res.end(text);
      };
      if (secret.endsWith('-SLOW')) setTimeout(reply, 30_000); else reply();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({
        port,
        seen,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}
