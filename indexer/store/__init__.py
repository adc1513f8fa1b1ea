"""Store: the index on disk, one module per file format with its writer and reader together.

``schema`` declares the Whoosh fields; ``generations`` the builds, the live link and the atomic
swap; ``codec`` Whoosh's codec as we tune it; ``blocks`` the posting blocks and their values;
``segment_builder`` our writer of whole segments (spilling sorted runs, ``runs``);
``posting_arrays`` the arrays beside a segment; ``facets_file`` its articles' entity values;
``sentence_maps`` its articles' sentences; ``vocabulary_file`` a generation's words.
The only place that touches Whoosh's private names.
"""
