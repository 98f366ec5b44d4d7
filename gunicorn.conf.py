"""gunicorn's settings for Frontdesk, read from the working directory (README.md, "Production"); the address
(-b) and the app ('app:create_app()') are given on the command line. Memory per worker is measured by
bench/memory.py (bench/README.md, "Worker memory")."""
import gc

workers = 4
# The app is imported once, in the master, and the workers forked from it share its memory.
preload_app = True
# Each worker is replaced after about 2,000 requests, one at a time: what a day of printing leaves behind
# in it is given back.
max_requests = 2000
max_requests_jitter = 200


def pre_fork(server, worker):
    # What the master made (the app, its modules) is left out of the cyclic garbage collector's scans: each
    # scan writes to every object it visits and so copies their pages into each worker (~30 MB a worker).
    gc.freeze()
