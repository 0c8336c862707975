"""How a scan pages through the API; no Django here, so the benchmark's naive
scan can make exactly the same calls.

A page of links is large (every link carries its whole space and
organization: about 7 kB of JSON, some 50 kB while it is decoded), and each
thread of a worker holds one page at a time, so pages stay small. Most spaces
have fewer broken links than a first page holds; a space with more is read on
in bigger pages, which keeps its chain of calls (one after the other) short.
"""

PAGE_SIZE = 100
CONTINUATION_PAGE_SIZE = 250
FINDING_TYPES = ("broken-link", "outbound-link-error")
