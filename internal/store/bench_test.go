package store

import (
	"context"
	"fmt"
	"testing"
)

func BenchmarkCreateSubmission(b *testing.B) {
	for _, d := range dialects {
		b.Run(d, func(b *testing.B) {
			s := setup(b, d)
			b.ResetTimer()
			for b.Loop() {
				create(b, s, newSubmission("Bench"))
			}
		})
	}
}

func BenchmarkListSubmissions(b *testing.B) {
	for _, d := range dialects {
		b.Run(d, func(b *testing.B) {
			s := setup(b, d)
			ctx := context.Background()
			for i := range 2000 {
				sub := newSubmission(fmt.Sprintf("Bench %d", i))
				if i%7 == 0 {
					sub.Kind = "oped"
				}
				create(b, s, sub)
			}
			filters := map[string]Filter{
				"queue":  {Status: []Status{StatusReceived}, PerPage: 25},
				"filter": {Kind: "oped", Site: "north", Language: "en"},
				"query":  {Query: "bench 19"},
			}
			for name, f := range filters {
				b.Run(name, func(b *testing.B) {
					for b.Loop() {
						if _, _, err := s.ListSubmissions(ctx, f); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
