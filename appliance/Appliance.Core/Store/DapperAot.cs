// Queries are mapped by code generated at build time, not by IL emitted at run time.
[module: Dapper.DapperAot]
