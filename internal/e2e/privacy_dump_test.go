package e2e_test

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

// dumpTables returns every table's rows as text, table by table, read
// straight from the database (not through the store), so that a search of
// it covers columns the code under test may not know about.
func (b *bundle) dumpTables() map[string]string {
	b.t.Helper()
	list := `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	if strings.HasPrefix(b.env["STORYDESK_DATABASE_URL"], "sqlite://") {
		list = `SELECT name FROM sqlite_master WHERE type = 'table'`
	}
	db := b.openDB()
	ctx := context.Background()
	var tables []string
	rows, err := db.QueryContext(ctx, list)
	if err != nil {
		b.t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 8 {
		b.t.Fatalf("only %d tables found: %v", len(tables), tables)
	}
	sort.Strings(tables)
	out := map[string]string{}
	for _, table := range tables {
		rows, err := db.QueryContext(ctx, `SELECT * FROM `+table)
		if err != nil {
			b.t.Fatalf("dump %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		var sb strings.Builder
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				b.t.Fatalf("dump %s: %v", table, err)
			}
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&sb, "%s=%v\t", cols[i], v)
			}
			sb.WriteString("\n")
		}
		rows.Close()
		out[table] = sb.String()
	}
	return out
}

// dumpRedis returns every key and value in Redis as text.
func (b *bundle) dumpRedis() string {
	b.t.Helper()
	ctx := context.Background()
	r := b.app.Redis
	var sb strings.Builder
	iter := r.Scan(ctx, 0, "*", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		sb.WriteString(k + " => ")
		switch typ := r.Type(ctx, k).Val(); typ {
		case "string":
			sb.WriteString(r.Get(ctx, k).Val())
		case "hash":
			fmt.Fprint(&sb, r.HGetAll(ctx, k).Val())
		case "list":
			fmt.Fprint(&sb, r.LRange(ctx, k, 0, -1).Val())
		case "set":
			fmt.Fprint(&sb, r.SMembers(ctx, k).Val())
		case "zset":
			fmt.Fprint(&sb, r.ZRange(ctx, k, 0, -1).Val())
		case "stream":
			fmt.Fprint(&sb, r.XRange(ctx, k, "-", "+").Val())
		default:
			sb.WriteString("(" + typ + ")")
		}
		sb.WriteString("\n")
	}
	if err := iter.Err(); err != nil {
		b.t.Fatal(err)
	}
	return sb.String()
}

// dumpObjects returns every object in the bucket by key.
func (b *bundle) dumpObjects() map[string][]byte {
	b.t.Helper()
	ctx := context.Background()
	keys, err := b.app.Blob.Keys(ctx, "")
	if err != nil {
		b.t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, k := range keys {
		o, err := b.app.Blob.Open(ctx, k)
		if err != nil {
			b.t.Fatal(err)
		}
		data, err := io.ReadAll(o)
		o.Close()
		if err != nil {
			b.t.Fatal(err)
		}
		out[k] = data
	}
	return out
}

// findAnywhere reports where each needle occurs: logs, tables (all but
// skip), Redis and objects (keys and bytes).
func (b *bundle) findAnywhere(needles []string, skipTables ...string) []string {
	b.t.Helper()
	var found []string
	look := func(where, hay string) {
		for _, n := range needles {
			if strings.Contains(strings.ToLower(hay), strings.ToLower(n)) {
				found = append(found, fmt.Sprintf("%q in %s", n, where))
			}
		}
	}
	look("logs", b.logs.String())
	for table, text := range b.dumpTables() {
		skip := false
		for _, s := range skipTables {
			skip = skip || s == table
		}
		if !skip {
			look("table "+table, text)
		}
	}
	look("redis", b.dumpRedis())
	for k, data := range b.dumpObjects() {
		look("object key "+k, k)
		look("object "+k, string(data))
	}
	return found
}
