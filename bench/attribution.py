"""The attribution benchmark on PolNeAR dev (and the medium sentences): `make bench-attribution`.

The scorer and the runner live in the package (headwater.evaluation.attribution and
.polnear), where the accuracy gate test reads them too.
"""

import sys

from headwater.evaluation.attribution import main

if __name__ == "__main__":
    sys.exit(main())
