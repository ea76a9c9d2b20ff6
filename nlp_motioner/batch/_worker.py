"""`python -m nlp_motioner.batch._worker READ_FD WRITE_FD`: a worker started by WorkerPool.

A module of its own (imported by nothing), so running it as __main__ does not re-import a
module the package has already loaded.
"""

import os
import sys

from nlp_motioner.batch.child import worker_main

if __name__ == "__main__":
    worker_main(int(sys.argv[1]), int(sys.argv[2]), preload="--preload" in sys.argv[3:])
    # Every result is already written to the pipe: skip the interpreter's tear-down (tens
    # of milliseconds with numpy loaded), which the parent would otherwise wait for.
    os._exit(0)
