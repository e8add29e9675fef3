// Diviora local identity: an OpenID Connect provider (npm oidc-provider) that stands in for Microsoft Entra External ID
// on a developer's machine. Development only: three fixed accounts sharing one password, no consent screen.
//
// The AppHost starts it as `node Diviora.AppHost/Resources/identity-provider.mjs` from the repository root; everything
// it needs comes from environment variables (see `settings` below), and everything it must keep across restarts
// (signing keys, cookie keys, sessions, grants, refresh tokens...) lives in IDENTITY_DATA.
import { createHash, generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';

import Provider, { errors } from 'oidc-provider';

const WEB_CLIENT_ID = 'diviora-web';
const AUTOMATION_CLIENT_ID = 'diviora-automation';
const READER_CLIENT_ID = 'diviora-reader';
const API_SCOPE = 'api';
const WEB_OIDC_SCOPE = 'openid profile offline_access';
const FORM_BODY_LIMIT = 16 * 1024;
const DAY = 24 * 60 * 60;
const SIGN_IN_FAILED = 'The account or password is not correct.';

// ---------------------------------------------------------------------------------------------------------------------
// Settings

function fail(message) {
  console.error(`Diviora local identity provider cannot start: ${message}`);
  process.exit(1);
}

// Secrets and the password are taken exactly as given; other values are trimmed.
function required(name, { trim = true } = {}) {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    fail(`the environment variable ${name} is required.`);
  }
  return trim ? value.trim() : value;
}

function optional(name, fallback) {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? fallback : value.trim();
}

function list(name) {
  return (process.env[name] ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}

function integer(name, text, min, max) {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    fail(`${name} must be a whole number from ${min} to ${max} (it is "${text}").`);
  }
  return Number(text);
}

function readSettings() {
  const host = optional('IDENTITY_HOST', '127.0.0.1');
  const port = integer('IDENTITY_PORT', required('IDENTITY_PORT'), 1, 65535);
  const issuer = required('IDENTITY_ISSUER');
  let issuerUrl;
  try {
    issuerUrl = new URL(issuer);
  } catch {
    fail(`IDENTITY_ISSUER must be an absolute http(s) URL (it is "${issuer}").`);
  }
  if (!['http:', 'https:'].includes(issuerUrl.protocol) || issuerUrl.search || issuerUrl.hash) {
    fail(`IDENTITY_ISSUER must be an http(s) URL without query or fragment (it is "${issuer}").`);
  }
  if (issuerUrl.pathname !== '/' || issuer.endsWith('/')) {
    fail(`IDENTITY_ISSUER must be an origin without a path or trailing slash, such as http://localhost:5190 (it is "${issuer}").`);
  }

  const settings = {
    host,
    port,
    issuer,
    dataDirectory: required('IDENTITY_DATA'),
    password: required('IDENTITY_PASSWORD', { trim: false }),
    apiAudience: optional('API_AUDIENCE', 'api://diviora'),
    webClientSecret: required('WEB_CLIENT_SECRET', { trim: false }),
    webRedirectUris: list('WEB_REDIRECT_URIS'),
    webPostLogoutRedirectUris: list('WEB_POST_LOGOUT_REDIRECT_URIS'),
    automationClientSecret: required('AUTOMATION_CLIENT_SECRET', { trim: false }),
    readerClientSecret: required('READER_CLIENT_SECRET', { trim: false }),
    accessTokenTtl: integer('ACCESS_TOKEN_TTL', optional('ACCESS_TOKEN_TTL', '3600'), 1, 3600),
  };
  for (const [name, uris] of [
    ['WEB_REDIRECT_URIS', settings.webRedirectUris],
    ['WEB_POST_LOGOUT_REDIRECT_URIS', settings.webPostLogoutRedirectUris],
  ]) {
    for (const uri of uris) {
      if (!URL.canParse(uri)) fail(`${name} holds "${uri}", which is not an absolute URL.`);
    }
  }
  return settings;
}

const settings = readSettings();

const accounts = new Map([
  ['admin', { accountId: 'admin', name: 'Local Admin', role: 'Admin' }],
  ['editor', { accountId: 'editor', name: 'Local Editor', role: 'Editor' }],
  ['reader', { accountId: 'reader', name: 'Local Reader', role: 'Reader' }],
]);

// ---------------------------------------------------------------------------------------------------------------------
// Files in IDENTITY_DATA

const dataDirectory = settings.dataDirectory;
const storeDirectory = join(dataDirectory, 'store');
try {
  mkdirSync(storeDirectory, { recursive: true, mode: 0o700 });
} catch (error) {
  fail(`IDENTITY_DATA (${dataDirectory}) cannot be used: ${error.message}`);
}

function writeFileAtomicallySync(path, text) {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

async function writeFileAtomically(path, text) {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
}

function readJsonFile(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text);
}

// Kept once made, and refuses to start rather than replace a damaged file: new keys would sign everyone out.
function loadOrCreate(fileName, validate, create) {
  const path = join(dataDirectory, fileName);
  let value;
  try {
    value = readJsonFile(path);
  } catch (error) {
    fail(`${path} could not be read (${error.message}); fix or delete it.`);
  }
  if (value === undefined) {
    value = create();
    writeFileAtomicallySync(path, `${JSON.stringify(value, null, 2)}\n`);
  } else if (!validate(value)) {
    fail(`${path} does not hold what this provider wrote there; fix or delete it.`);
  }
  return value;
}

function createSigningKeys() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  // RFC 7638 thumbprint as the key id.
  const kid = createHash('sha256').update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n })).digest('base64url');
  return { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] };
}

const signingKeys = loadOrCreate(
  'signing-keys.json',
  (value) => Array.isArray(value?.keys) && value.keys.length > 0 && value.keys.every((key) => key.kty === 'RSA' && key.d && key.kid),
  createSigningKeys,
);

const cookieKeys = loadOrCreate(
  'cookie-keys.json',
  (value) => Array.isArray(value?.keys) && value.keys.length > 0 && value.keys.every((key) => typeof key === 'string' && key.length >= 32),
  () => ({ keys: [randomBytes(32).toString('base64url')] }),
);

// ---------------------------------------------------------------------------------------------------------------------
// Storage adapter: one JSON file per model kind (Session.json, Grant.json, RefreshToken.json...), held in memory and
// rewritten whole (temporary file, then rename) after each change. Volumes are tiny on a developer's machine.

const stores = new Map();
const pendingWrites = new Set();

function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

class FileStore {
  constructor(name) {
    this.name = name;
    this.path = join(storeDirectory, `${name}.json`);
    this.records = new Map();
    this.current = undefined; // the write under way
    this.queued = undefined; // the write that will start after it
    let saved;
    try {
      saved = readJsonFile(this.path);
    } catch (error) {
      const aside = `${this.path}.unreadable-${Date.now()}`;
      renameSync(this.path, aside);
      console.warn(`Diviora local identity provider: ${this.path} could not be read (${error.message}); moved it to ${aside} and started ${name} empty.`);
    }
    const now = Date.now();
    for (const [id, record] of Object.entries(saved?.records ?? {})) {
      if (record && typeof record === 'object' && record.payload && !(record.expiresAt && record.expiresAt <= now)) {
        this.records.set(id, record);
      }
    }
  }

  get(id) {
    const record = this.records.get(id);
    if (!record) return undefined;
    if (record.expiresAt && record.expiresAt <= Date.now()) {
      this.records.delete(id);
      return undefined;
    }
    return record;
  }

  // Resolves once a write that began after this call is on disk; changes made meanwhile share that write.
  save() {
    if (!this.queued) {
      const previous = this.current ?? Promise.resolve();
      const queued = previous.catch(() => {}).then(() => {
        this.queued = undefined;
        this.current = this.writeSnapshot();
        return this.current;
      });
      this.queued = queued;
      pendingWrites.add(queued);
      const forget = () => pendingWrites.delete(queued);
      queued.then(forget, forget);
    }
    return this.queued;
  }

  writeSnapshot() {
    const now = Date.now();
    const records = {};
    for (const [id, record] of this.records) {
      if (record.expiresAt && record.expiresAt <= now) {
        this.records.delete(id);
      } else {
        records[id] = record;
      }
    }
    return writeFileAtomically(this.path, JSON.stringify({ records }));
  }
}

function storeFor(name) {
  let store = stores.get(name);
  if (!store) {
    store = new FileStore(name);
    stores.set(name, store);
  }
  return store;
}

// Ids of sessions ended by a sign-out. A request that loaded the session before the sign-out ended it (a browser's
// background request racing the end-session confirmation) saves it again when it finishes; that save must not bring
// the session back, or the next page would sign the person straight back in. New sessions always get new ids.
const endedSessions = new Set();

class FileAdapter {
  constructor(name) {
    this.name = name;
    this.store = storeFor(name);
  }

  async upsert(id, payload, expiresIn) {
    if (this.name === 'Session' && endedSessions.has(id)) return;
    const expiresAt = Number.isFinite(expiresIn) && expiresIn > 0 ? Date.now() + expiresIn * 1000 : undefined;
    this.store.records.set(id, { payload: structuredClone(payload), ...(expiresAt ? { expiresAt } : {}) });
    await this.store.save();
  }

  async find(id) {
    const record = this.store.get(id);
    return record ? structuredClone(record.payload) : undefined;
  }

  async findBy(property, value) {
    for (const id of this.store.records.keys()) {
      const record = this.store.get(id);
      if (record?.payload[property] === value) return structuredClone(record.payload);
    }
    return undefined;
  }

  async findByUserCode(userCode) {
    return this.findBy('userCode', userCode);
  }

  async findByUid(uid) {
    return this.findBy('uid', uid);
  }

  async consume(id) {
    const record = this.store.get(id);
    if (!record) return;
    record.payload.consumed = nowSeconds();
    await this.store.save();
  }

  async destroy(id) {
    if (this.name === 'Session') endedSessions.add(id);
    if (this.store.records.delete(id)) await this.store.save();
  }

  async revokeByGrantId(grantId) {
    let removed = false;
    for (const [id, record] of this.store.records) {
      if (record.payload.grantId === grantId) {
        this.store.records.delete(id);
        removed = true;
      }
    }
    if (removed) await this.store.save();
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Pages: plain HTML with inline CSS, nothing loaded from elsewhere.

function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

const STYLE = `
  *{box-sizing:border-box}
  body{margin:0;font-family:"Segoe UI",system-ui,-apple-system,sans-serif;background:#f3f4f7;color:#1f2430}
  .banner{background:#7a2e00;color:#fff;padding:10px 16px;font-size:14px;text-align:center}
  main{max-width:380px;margin:48px auto;padding:28px 32px;background:#fff;border-radius:8px;box-shadow:0 2px 10px rgba(0,0,0,.12)}
  h1{font-size:22px;font-weight:600;margin:0 0 4px}
  .product{color:#4b3f9e;font-weight:700;letter-spacing:.04em;text-transform:uppercase;font-size:12px;margin:0 0 18px}
  label{display:block;font-size:14px;font-weight:600;margin:16px 0 6px}
  input{width:100%;padding:9px 10px;font-size:15px;border:1px solid #b8bcc8;border-radius:4px}
  input:focus{outline:2px solid #4b3f9e;outline-offset:1px}
  button{margin-top:22px;width:100%;padding:10px;font-size:15px;font-weight:600;color:#fff;background:#4b3f9e;border:0;border-radius:4px;cursor:pointer}
  button:hover{background:#3b3080}
  .error{margin:16px 0 0;padding:10px 12px;border-radius:4px;background:#fdecea;color:#8a1c12;font-size:14px}
  p{line-height:1.45}
`;

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Diviora local identity</title>
<style>${STYLE}</style>
</head>
<body>
<div class="banner" role="note">Diviora local identity — a development stand-in for Microsoft Entra External ID. Do not use in production.</div>
<main>
<p class="product">Diviora</p>
${body}
</main>
</body>
</html>
`;
}

function loginPage(uid, { login = '', error } = {}) {
  const action = `/interaction/${encodeURIComponent(uid)}/login`;
  return page('Sign in', `<h1>Sign in</h1>
<form method="post" action="${escapeHtml(action)}" autocomplete="off" novalidate>
<label for="login">Account</label>
<input id="login" name="login" type="text" value="${escapeHtml(login)}" autocapitalize="off" spellcheck="false" required${login ? '' : ' autofocus'}>
<label for="password">Password</label>
<input id="password" name="password" type="password" required${login ? ' autofocus' : ''}>
${error ? `<p class="error" role="alert" data-testid="login-error">${escapeHtml(error)}</p>\n` : ''}<button type="submit">Sign in</button>
</form>`);
}

function messagePage(title, message) {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

function sendHtml(res, status, html, csp = PAGE_CSP) {
  if (res.headersSent) return;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': csp,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(html);
}

function scriptCsp(script) {
  const digest = createHash('sha256').update(script).digest('base64');
  return `${PAGE_CSP}; script-src 'sha256-${digest}'`;
}

const LOGOUT_SCRIPT = "document.getElementById('op.logoutForm').submit();";

// Signing out of Diviora ends the provider's session too (as Entra's end-session does), so the form always carries
// logout=yes: a submit button's own name and value are not sent when a script submits the form, nor reliably on click.
async function logoutSource(ctx, form) {
  ctx.type = 'html';
  ctx.set('content-security-policy', scriptCsp(LOGOUT_SCRIPT));
  ctx.set('x-frame-options', 'DENY');
  ctx.body = page('Sign out', `<h1>Signing you out…</h1>
<p>You are being signed out of the Diviora local identity provider.</p>
${form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>')}
<button id="sign-out" type="submit" form="op.logoutForm">Sign out</button>
<script>${LOGOUT_SCRIPT}</script>`);
}

async function postLogoutSuccessSource(ctx) {
  ctx.type = 'html';
  ctx.set('content-security-policy', PAGE_CSP);
  ctx.set('x-frame-options', 'DENY');
  ctx.body = messagePage('You are signed out', 'You are signed out of the Diviora local identity provider. You can close this page.');
}

async function renderError(ctx, out) {
  ctx.type = 'html';
  ctx.set('content-security-policy', PAGE_CSP);
  ctx.set('x-frame-options', 'DENY');
  const description = out.error_description ? `<p>${escapeHtml(out.error_description)}</p>\n` : '';
  ctx.body = page('Something went wrong', `<h1>Something went wrong</h1>
<p>The sign-in request could not be completed (<code>${escapeHtml(out.error ?? 'server_error')}</code>).</p>
${description}<p>Go back to the application and try again.</p>`);
}

// ---------------------------------------------------------------------------------------------------------------------
// Provider

function findLocalAccount(accountId) {
  return accounts.get(accountId);
}

async function findAccount(ctx, sub) {
  const account = findLocalAccount(sub);
  if (!account) return undefined;
  return {
    accountId: account.accountId,
    async claims() {
      return {
        sub: account.accountId,
        name: account.name,
        preferred_username: account.accountId,
        roles: [account.role],
      };
    },
  };
}

// diviora-web is first party: it gets the same grant every time, so no consent screen ever appears.
async function ensureWebGrant(provider, accountId, grantId) {
  let grant = grantId ? await provider.Grant.find(grantId) : undefined;
  if (!grant || grant.accountId !== accountId || grant.clientId !== WEB_CLIENT_ID) {
    grant = new provider.Grant({ accountId, clientId: WEB_CLIENT_ID });
  }
  grant.addOIDCScope(WEB_OIDC_SCOPE);
  grant.addResourceScope(settings.apiAudience, API_SCOPE);
  await grant.save(); // also pushes its expiry out
  return grant;
}

// oidc-provider drops offline_access from an authorization request unless it also says prompt=consent (OpenID Connect
// Core 1.0, section 11). diviora-web is first party and its consent is implied, so the scope it asked for is put back.
// extraParams validators run on every authorization request, after that check and before the request is stored for
// the sign-in interaction, which is why this hook lives there.
async function keepOfflineAccess(ctx) {
  const { oidc } = ctx;
  if (oidc.route !== 'authorization' || oidc.client?.clientId !== WEB_CLIENT_ID) return;
  if (!oidc.client.grantTypeAllowed('refresh_token') || !oidc.params.response_type?.split(' ').includes('code')) return;
  const raw = ctx.method === 'POST' ? oidc.body : ctx.query;
  const asked = typeof raw?.scope === 'string' ? raw.scope.split(' ') : [];
  const kept = new Set(oidc.params.scope?.split(' ') ?? []);
  if (asked.includes('offline_access') && !kept.has('offline_access')) {
    kept.add('offline_access');
    oidc.params.scope = [...kept].join(' ');
  }
}

const KEEP_OFFLINE_ACCESS_HOOK = 'diviora_keep_offline_access';

async function extraTokenClaims(ctx, token) {
  if (token.kind === 'ClientCredentials') {
    const client = await provider.Client.find(token.clientId);
    return client?.roles?.length ? { roles: [...client.roles] } : undefined;
  }
  if (token.kind === 'AccessToken') {
    const account = findLocalAccount(token.accountId);
    return account ? { roles: [account.role], name: account.name, preferred_username: account.accountId } : undefined;
  }
  return undefined;
}

const configuration = {
  adapter: FileAdapter,
  clients: [
    {
      client_id: WEB_CLIENT_ID,
      client_name: 'Diviora Web',
      client_secret: settings.webClientSecret,
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: settings.webRedirectUris,
      post_logout_redirect_uris: settings.webPostLogoutRedirectUris,
    },
    {
      client_id: AUTOMATION_CLIENT_ID,
      client_name: 'Diviora automation',
      client_secret: settings.automationClientSecret,
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      roles: ['Editor'],
    },
    {
      client_id: READER_CLIENT_ID,
      client_name: 'Diviora reader',
      client_secret: settings.readerClientSecret,
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      roles: ['Reader'],
    },
  ],
  extraClientMetadata: {
    properties: ['roles'],
    validator(ctx, key, value) {
      if (key === 'roles' && value !== undefined
        && (!Array.isArray(value) || !value.every((role) => typeof role === 'string' && role))) {
        throw new Error('roles must be an array of role names');
      }
    },
  },
  claims: {
    openid: ['sub', 'roles'],
    profile: ['name', 'preferred_username'],
  },
  conformIdTokenClaims: false,
  findAccount,
  extraTokenClaims,
  extraParams: { [KEEP_OFFLINE_ACCESS_HOOK]: keepOfflineAccess },
  issueRefreshToken: async (ctx, client, source) => client.grantTypeAllowed('refresh_token') && source.scopes.has('offline_access'),
  // Two holders (the sign-in cookie and a live circuit) may refresh with the same refresh token.
  rotateRefreshToken: false,
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (ctx.oidc.client.clientId === WEB_CLIENT_ID) {
      return ensureWebGrant(ctx.oidc.provider, ctx.oidc.account.accountId, grantId);
    }
    return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
  },
  pkce: {
    required: (ctx, client) => client.clientId === WEB_CLIENT_ID || client.clientAuthMethod === 'none',
  },
  clientBasedCORS: () => false,
  cookies: {
    keys: cookieKeys.keys,
    names: {
      session: 'diviora_idp_session',
      interaction: 'diviora_idp_interaction',
      resume: 'diviora_idp_resume',
    },
  },
  jwks: { keys: signingKeys.keys },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    // Entra ID offers no pushed authorization requests; leaving them out keeps clients (ASP.NET Core uses PAR when
    // discovery lists it) on the same front-channel request they send to Entra.
    pushedAuthorizationRequests: { enabled: false },
    rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => settings.apiAudience,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resourceIndicator) => {
        if (resourceIndicator !== settings.apiAudience) {
          throw new errors.InvalidTarget();
        }
        return {
          scope: API_SCOPE,
          audience: settings.apiAudience,
          accessTokenFormat: 'jwt',
          accessTokenTTL: settings.accessTokenTtl,
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  responseTypes: ['code'],
  interactions: {
    url: (ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  renderError,
  ttl: {
    AccessToken: settings.accessTokenTtl,
    ClientCredentials: settings.accessTokenTtl,
    AuthorizationCode: 60,
    IdToken: 60 * 60,
    Interaction: 60 * 60,
    RefreshToken: 14 * DAY,
    Session: 14 * DAY,
    Grant: 15 * DAY,
  },
};

const provider = new Provider(settings.issuer, configuration);
// Honour X-Forwarded-Proto from the proxy in front (cookies are marked Secure only over https).
provider.proxy = true;

// No CORS anywhere, including discovery and the JWKS, which oidc-provider otherwise opens to every origin.
provider.use(async (ctx, next) => {
  await next();
  for (const header of Object.keys(ctx.response.headers)) {
    if (header.startsWith('access-control-')) ctx.remove(header);
  }
});

provider.on('server_error', (ctx, error) => {
  console.error(`Diviora local identity provider: server error on ${ctx.method} ${ctx.path}: ${error.stack ?? error.message}`);
});

// ---------------------------------------------------------------------------------------------------------------------
// Interactions (sign-in page) and the HTTP server

function passwordMatches(candidate) {
  const digest = (value) => createHash('sha256').update(String(value), 'utf8').digest();
  return timingSafeEqual(digest(candidate), digest(settings.password));
}

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function readForm(req) {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new HttpError(415, 'The sign-in form must be posted as application/x-www-form-urlencoded.');
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > FORM_BODY_LIMIT) {
    throw new HttpError(413, 'The sign-in form is too large.');
  }
  const chunks = [];
  let received = 0;
  for await (const chunk of req) {
    received += chunk.length;
    if (received > FORM_BODY_LIMIT) {
      throw new HttpError(413, 'The sign-in form is too large.');
    }
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function currentInteraction(req, res, uid) {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    throw new HttpError(400, 'This sign-in request has expired or was already completed. Go back to the application and sign in again.');
  }
  if (details.uid !== uid) {
    throw new HttpError(400, 'This sign-in request does not match the one in progress. Go back to the application and sign in again.');
  }
  return details;
}

async function showInteraction(req, res, uid) {
  const details = await currentInteraction(req, res, uid);
  if (details.prompt.name === 'login') {
    sendHtml(res, 200, loginPage(uid, { login: details.params.login_hint ?? '' }));
    return;
  }
  if (details.prompt.name === 'consent' && details.params.client_id === WEB_CLIENT_ID && details.session?.accountId) {
    const grant = await ensureWebGrant(provider, details.session.accountId, details.grantId);
    await provider.interactionFinished(req, res, { consent: { grantId: grant.jti } }, { mergeWithLastSubmission: true });
    return;
  }
  throw new HttpError(400, 'This provider only signs in to Diviora\'s own applications.');
}

async function submitLogin(req, res, uid) {
  const form = await readForm(req);
  const details = await currentInteraction(req, res, uid);
  if (details.prompt.name !== 'login') {
    throw new HttpError(400, 'This sign-in request is not waiting for a sign-in.');
  }
  const login = (form.get('login') ?? '').trim();
  const account = findLocalAccount(login.toLowerCase());
  // Same password for every account, compared even for an unknown account: no hint whether an account exists.
  const passwordOk = passwordMatches(form.get('password') ?? '');
  if (!account || !passwordOk) {
    sendHtml(res, 401, loginPage(uid, { login, error: SIGN_IN_FAILED }));
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: account.accountId } }, { mergeWithLastSubmission: false });
}

const providerCallback = provider.callback();

async function handle(req, res) {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  const interaction = /^\/interaction\/([A-Za-z0-9_-]{1,64})(\/login)?$/.exec(pathname);
  if (interaction) {
    const [, uid, login] = interaction;
    if (!login && (req.method === 'GET' || req.method === 'HEAD')) return showInteraction(req, res, uid);
    if (login && req.method === 'POST') return submitLogin(req, res, uid);
    res.setHeader('allow', login ? 'POST' : 'GET, HEAD');
    throw new HttpError(405, 'This page does not accept that request.');
  }
  if (pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`Diviora local identity provider: an OpenID Connect development stand-in for Microsoft Entra External ID.
Do not use in production.
Issuer: ${settings.issuer}
Discovery: ${settings.issuer}/.well-known/openid-configuration
`);
    return undefined;
  }
  return providerCallback(req, res);
}

const server = createServer((req, res) => {
  handle(req, res).catch((error) => {
    const status = error instanceof HttpError ? error.status : 500;
    if (!(error instanceof HttpError)) {
      console.error(`Diviora local identity provider: error on ${req.method} ${req.url?.split('?')[0]}: ${error.stack ?? error.message}`);
    }
    const message = error instanceof HttpError ? error.message : 'The request could not be completed.';
    if (!res.headersSent) sendHtml(res, status, messagePage('Something went wrong', message));
    else res.destroy();
  });
});
server.keepAliveTimeout = 120_000;

server.on('error', (error) => fail(`cannot listen on ${settings.host}:${settings.port} (${error.message}).`));
server.listen(settings.port, settings.host, () => {
  console.log(`Diviora local identity provider listening at ${settings.issuer} (bound to ${settings.host}:${settings.port})`);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    Promise.allSettled([...pendingWrites]).then(() => process.exit(0));
  });
}
