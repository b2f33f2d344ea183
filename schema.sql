-- Headwater's store: the source of truth for the database layout.
-- Applied by headwater.store through sqlite-utils, after the migrations in
-- server/headwater/migrations.py have brought an existing store's tables up to this
-- layout (new columns); so an index here may name a column a migration adds.
-- Times are ISO 8601 UTC strings; offsets are character offsets into documents.text.

-- Every fetch attempt, successful or not: the fetch log.
CREATE TABLE IF NOT EXISTS fetches (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,              -- as asked
    final_url TEXT,                 -- after redirects
    status INTEGER,                 -- HTTP status of the last response
    content_type TEXT,
    bytes INTEGER,
    sha256 TEXT,                    -- of the body
    duration_ms INTEGER,
    fetched_at TEXT NOT NULL,
    error_code TEXT,                -- NULL when the fetch succeeded
    error TEXT,
    origin TEXT NOT NULL DEFAULT 'network', -- network | supplied (HTML sent by the reader's browser or a file)
    etag TEXT,                      -- validators of the response, for a conditional GET later
    last_modified TEXT              -- (both added by migration m001_fetch_validators)
);
CREATE INDEX IF NOT EXISTS fetches_url ON fetches (url);
CREATE INDEX IF NOT EXISTS fetches_fetched_at ON fetches (fetched_at);

-- One row per version of a page's extracted article.
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    final_url TEXT,
    canonical_url TEXT,
    domain TEXT,                    -- the site: registrable domain of final_url (store.domain_of),
                                    -- e.g. bbc.co.uk; added to older stores by migration m002_document_domain
    page_key TEXT,                  -- store.url_key of final_url: the page whatever its fragment, tracking
                                    -- parameters or final slash; added by migration m003_document_page_key
    title TEXT,
    site TEXT,
    author TEXT,
    published TEXT,
    sha256 TEXT,                    -- of the HTML the text came from
    text TEXT NOT NULL,
    fetch_id INTEGER REFERENCES fetches (id)
);
CREATE INDEX IF NOT EXISTS documents_final_url ON documents (final_url);
CREATE INDEX IF NOT EXISTS documents_canonical_url ON documents (canonical_url);
CREATE INDEX IF NOT EXISTS documents_url ON documents (url);
CREATE INDEX IF NOT EXISTS documents_domain ON documents (domain);   -- the newest traces of a site
CREATE INDEX IF NOT EXISTS documents_page_key ON documents (page_key);   -- lookups by any spelling

-- The agents: people, outlets, organizations, anonymous sources, documents, social-media accounts.
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'outlet', 'organization', 'anonymous', 'document', 'social')),
    UNIQUE (name, kind)
);

-- One completed trace of one page. Written in one transaction with its rows below.
CREATE TABLE IF NOT EXISTS traces (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,              -- as asked
    document_id INTEGER NOT NULL REFERENCES documents (id),
    created_at TEXT NOT NULL,
    duration_ms INTEGER,
    claim TEXT                      -- the sentence the reader asked about, if any
);
CREATE INDEX IF NOT EXISTS traces_url ON traces (url);
CREATE INDEX IF NOT EXISTS traces_document ON traces (document_id);
CREATE INDEX IF NOT EXISTS traces_created_at ON traces (created_at);

-- Who the page relies on, with the evidence: offsets and text of mention, cue, content.
CREATE TABLE IF NOT EXISTS attributions (
    id INTEGER PRIMARY KEY,
    trace_id INTEGER NOT NULL REFERENCES traces (id),
    idx INTEGER NOT NULL,           -- position in the trace's attribution list
    source_id INTEGER NOT NULL REFERENCES sources (id),
    role TEXT,
    reporter TEXT,
    mention_start INTEGER, mention_end INTEGER, mention_text TEXT,
    cue_start INTEGER NOT NULL, cue_end INTEGER NOT NULL, cue_text TEXT NOT NULL,
    content_start INTEGER, content_end INTEGER, content_text TEXT,
    via_source_id INTEGER REFERENCES sources (id),
    relayed_by INTEGER,             -- idx of the attribution that carries this one
    link TEXT,
    confidence REAL NOT NULL,
    form TEXT NOT NULL DEFAULT 'verb',      -- verb | link | credit | embed (records.FORMS)
    own_site INTEGER NOT NULL DEFAULT 0,    -- 1: a link to the page's own outlet's reporting
    UNIQUE (trace_id, idx)
);
CREATE INDEX IF NOT EXISTS attributions_source ON attributions (source_id);

-- The provenance graph: "from" cites or relays "to", because of one attribution.
-- from_source_id NULL means the traced page itself.
CREATE TABLE IF NOT EXISTS edges (
    id INTEGER PRIMARY KEY,
    trace_id INTEGER NOT NULL REFERENCES traces (id),
    from_source_id INTEGER REFERENCES sources (id),
    to_source_id INTEGER NOT NULL REFERENCES sources (id),
    attribution_idx INTEGER NOT NULL,
    relation TEXT NOT NULL           -- cites | relays | via
);
CREATE INDEX IF NOT EXISTS edges_trace ON edges (trace_id);

-- The chains as shown: from the page (position 0) to a primary source (the last hop).
CREATE TABLE IF NOT EXISTS chain_hops (
    trace_id INTEGER NOT NULL REFERENCES traces (id),
    chain INTEGER NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    role TEXT,
    url TEXT,
    PRIMARY KEY (trace_id, chain, position)
);

CREATE TABLE IF NOT EXISTS primary_sources (
    trace_id INTEGER NOT NULL REFERENCES traces (id),
    source_id INTEGER NOT NULL REFERENCES sources (id),
    role TEXT,
    reason TEXT NOT NULL,
    PRIMARY KEY (trace_id, source_id)
);

-- Each version of a fetched page, kept once by the sha256 of its body: the cache of
-- multi-hop traces reads pages back from here, and a page that changed since it was
-- cited shows it (two versions under one URL in fetches).
CREATE TABLE IF NOT EXISTS page_versions (
    sha256 TEXT PRIMARY KEY,
    body BLOB NOT NULL,
    content_type TEXT,
    first_seen TEXT NOT NULL
);

-- A trace that follows its sources upstream, page by page (one row per such trace).
CREATE TABLE IF NOT EXISTS follows (
    trace_id INTEGER PRIMARY KEY REFERENCES traces (id),
    state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    max_depth INTEGER NOT NULL,
    max_pages INTEGER NOT NULL,
    time_budget REAL NOT NULL,      -- seconds
    started_at TEXT NOT NULL,
    finished_at TEXT,
    pages_fetched INTEGER NOT NULL DEFAULT 0,
    claim_start INTEGER,            -- where the claim of a claim trace sits in the traced page
    claim_end INTEGER,
    chains TEXT,                    -- JSON, as the API returns them: chains across documents,
    primary_sources TEXT,           -- their primary sources, circular sourcing found,
    cycles TEXT,                    -- and what was not followed and why
    stopped TEXT,
    error TEXT
);

-- The pages of a multi-hop trace; idx 0 is the traced page itself.
CREATE TABLE IF NOT EXISTS follow_documents (
    trace_id INTEGER NOT NULL REFERENCES traces (id),
    idx INTEGER NOT NULL,
    parent INTEGER,                 -- idx of the page that led here
    depth INTEGER NOT NULL,
    url TEXT NOT NULL,
    final_url TEXT,
    canonical_url TEXT,
    document_id INTEGER REFERENCES documents (id),
    fetch_id INTEGER REFERENCES fetches (id),
    title TEXT,
    site TEXT,
    outlet TEXT,                    -- the outlet that published it, from its domain or site name
    published TEXT,
    sha256 TEXT,
    status TEXT NOT NULL,           -- traced | failed | blocked | stopped
    error_code TEXT,
    error TEXT,
    found_by TEXT,                  -- link | body_link | news_index
    query TEXT,                     -- the news-index query that found it
    confidence REAL,                -- that this is the page cited (1 for a link)
    archived_url TEXT,              -- read from the Wayback Machine: the snapshot,
    archived_date TEXT,             -- and its date
    from_cache INTEGER NOT NULL DEFAULT 0,
    previous_sha256 TEXT,           -- the version seen before, when the page changed since
    attributions TEXT,              -- JSON, as in a trace (NULL for idx 0: see attributions)
    PRIMARY KEY (trace_id, idx)
);

-- The hops between pages: a citing page relies on a cited one, with the matched passages.
CREATE TABLE IF NOT EXISTS follow_hops (
    trace_id INTEGER NOT NULL REFERENCES traces (id),
    idx INTEGER NOT NULL,
    from_doc INTEGER NOT NULL,
    to_doc INTEGER,                 -- NULL when the page was not fetched (limits)
    url TEXT NOT NULL,
    kind TEXT NOT NULL,             -- link | body_link | news_index
    status TEXT NOT NULL,           -- followed | failed | blocked | stopped | circular | duplicate
    source_name TEXT,
    source_kind TEXT,
    attribution_idx INTEGER,        -- in the citing page's attributions
    verdict TEXT,                   -- quoted | paraphrase | not_found; NULL when not read
    score REAL,
    citing_start INTEGER, citing_end INTEGER, citing_text TEXT,   -- offsets into the citing page
    cited_start INTEGER, cited_end INTEGER, cited_text TEXT,      -- offsets into the cited page
    confidence REAL NOT NULL,
    certain INTEGER NOT NULL,       -- 0 for a guess (a news-index candidate)
    query TEXT,
    flags TEXT,                     -- JSON list of {"code", "message"}: published_after, circular
    matches TEXT,                   -- JSON: every passage compared, with its verdict
    PRIMARY KEY (trace_id, idx)
);

-- Progress of a trace as it runs (served as Server-Sent Events).
CREATE TABLE IF NOT EXISTS trace_events (
    trace_id INTEGER NOT NULL REFERENCES traces (id),
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,             -- JSON
    PRIMARY KEY (trace_id, seq)
);

-- The review log: every fetch and every trace, newest first.
CREATE VIEW IF NOT EXISTS log AS
    SELECT fetched_at AS at, 'fetch' AS event, id, url, final_url,
           COALESCE(error_code, 'ok') AS outcome, error AS detail
    FROM fetches
    UNION ALL
    SELECT traces.created_at AS at, 'trace' AS event, traces.id, traces.url, documents.final_url,
           'ok' AS outcome,
           (SELECT COUNT(*) FROM attributions WHERE attributions.trace_id = traces.id) || ' attributions' AS detail
    FROM traces JOIN documents ON documents.id = traces.document_id;
