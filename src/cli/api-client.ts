import type { CampaignView, FunnelView } from './types';

/** A refused or failed request, carrying the API's own error code so the message can name it. */
export class ApiError extends Error {
  constructor(
    readonly status: number | undefined,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Injected so a test could point the client at a fake; the CLI passes the global fetch. */
  fetch?: typeof fetch;
}

export type CampaignAction = 'pause' | 'resume' | 'cancel';

/** Messages people understand for the codes they will meet most; anything else uses the API's own message. */
function describe(status: number, code: string, message: string): string {
  if (status === 401) return `the API key was refused (${code})`;
  if (status === 429) return `the service is rate limiting this client; try again in a minute (${code})`;
  return `${message} (${code})`;
}

async function toApiError(res: Response, url: string): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let body: { error?: { code?: unknown; message?: unknown } } | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    // Not ours (a proxy, a wrong --url): say what answered instead.
  }
  const code = typeof body?.error?.code === 'string' ? body.error.code : `http_${res.status}`;
  const message = typeof body?.error?.message === 'string' ? body.error.message : `${url} answered HTTP ${res.status}`;
  return new ApiError(res.status, code, describe(res.status, code, message));
}

/** The management API of callhook, as the CLI uses it. */
export function createApiClient(options: ApiClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');

  async function request(method: string, path: string, init: { body?: string; contentType?: string; accept?: string } = {}): Promise<Response> {
    const url = `${base}${path}`;
    let res: Response;
    try {
      res = await doFetch(url, {
        method,
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          accept: init.accept ?? 'application/json',
          ...(init.contentType ? { 'content-type': init.contentType } : {}),
        },
        body: init.body,
      });
    } catch (err) {
      // undici puts the system error in `cause`; with several addresses (localhost: ::1 and 127.0.0.1) it is an AggregateError.
      const cause = (err as { cause?: { code?: string; errors?: Array<{ code?: string }> } }).cause;
      const code = cause?.code ?? cause?.errors?.[0]?.code ?? `network_error: ${(cause as Error | undefined)?.message ?? (err as Error).message}`;
      throw new ApiError(undefined, code, `cannot reach callhook at ${base}; is it running? (set --url or CALLHOOK_URL) (${code})`);
    }
    if (!res.ok) throw await toApiError(res, url);
    return res;
  }

  const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;
  const campaignPath = (id: string) => `/api/campaigns/${encodeURIComponent(id)}`;

  return {
    baseUrl: base,
    /** Uploads a CSV of targets; settings travel in the query string, as the API expects for text/csv bodies. */
    createCampaignFromCsv: async (csv: string, settings: Record<string, string>): Promise<CampaignView> =>
      json(await request('POST', `/api/campaigns?${new URLSearchParams(settings)}`, { body: csv, contentType: 'text/csv; charset=utf-8' })),
    getCampaign: async (id: string): Promise<CampaignView> => json(await request('GET', campaignPath(id))),
    act: async (id: string, action: CampaignAction): Promise<CampaignView> => json(await request('POST', `${campaignPath(id)}/${action}`)),
    /** Undefined from a service older than the funnel (its route is not there; the campaign was read just before). */
    getFunnel: async (id: string): Promise<FunnelView | undefined> => {
      try {
        return await json<FunnelView>(await request('GET', `${campaignPath(id)}/funnel`));
      } catch (err) {
        if (err instanceof ApiError && err.code === 'route_not_found') return undefined;
        throw err;
      }
    },
    reportJson: async (id: string): Promise<unknown> => json(await request('GET', `${campaignPath(id)}/report`)),
    reportCsv: async (id: string): Promise<string> => (await request('GET', `${campaignPath(id)}/report?format=csv`, { accept: 'text/csv' })).text(),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
