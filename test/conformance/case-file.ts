/** The shape of one conformance case file (see the corpus README). */
export interface ConformanceCase {
  name: string;
  kind: 'execution' | 'validation-error' | 'schema-only';
  directives?: string[];
  config: string;
  files?: Record<string, string>;
  env?: Record<string, string>;
  mocks?: MockEntry[];
  requests?: CaseRequest[];
  expected?: ExpectedResponse[];
  expectedErrors?: { message: string; trace: string[]; description?: string | null }[];
  clientSchema?: string;
}

export interface MockEntry {
  request: {
    method?: string;
    url: string;
    headers?: Record<string, string>;
    body?: unknown;
    textBody?: string;
  };
  response: {
    status?: number;
    headers?: Record<string, string>;
    body?: unknown;
    textBody?: string;
  };
  expectedHits?: number;
  assertHits?: boolean;
  delay?: number;
}

export interface CaseRequest {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  textBody?: string;
  concurrency?: number;
}

export interface ExpectedResponse {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
  engineSpecific?: string[];
}
