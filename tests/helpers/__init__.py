"""What the tests share: fixture paths, the seed's addresses, the test token.

The local web server that serves fixtures on 127.0.0.1 lives in the package
(headwater.evaluation.localweb), since the benchmarks serve pages from it too.
"""

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
FIXTURES = TESTS / "fixtures"
SHARED = TESTS.parent.parent / "shared"

SEED_URL = "https://www.example-blog.com/2014/11/iranian-official-confirms-obama-letter"
WSJ_URL = "https://www.wsj.com/articles/iran-supreme-leader-responds-to-obama-letter-1415577934"
TEST_TOKEN = "test-token-0123456789abcdef"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")
