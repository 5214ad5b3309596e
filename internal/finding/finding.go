// Package finding flags identifying details (A-Numbers, SSNs, phone numbers,
// addresses, hearing dates, ...) in a story so an editor can remove them
// before a vulnerable person's words are published.
//
// Findings are for editors' eyes only: never log them or the text they
// point into, since the pair is exactly the personal data being protected.
package finding

import "slices"

// Kinds of Finding, from the most specific to the least.
const (
	KindCaseNumber  = "case_number"
	KindANumber     = "a_number"
	KindSSN         = "ssn"
	KindEmail       = "email"
	KindPhone       = "phone"
	KindHearingDate = "hearing_date"
	KindAddress     = "address"
)

// Finding is one identifying detail: text[Start:End] of the scanned text.
// Offsets are in bytes so they slice the Go string directly.
type Finding struct {
	Kind  string `json:"kind"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Label string `json:"label"`
}

// Label returns the English label shown to editors for a kind, or the kind
// itself if it is unknown.
func Label(kind string) string {
	switch kind {
	case KindCaseNumber:
		return "Case or receipt number"
	case KindANumber:
		return "A-Number"
	case KindSSN:
		return "Social Security number"
	case KindEmail:
		return "Email address"
	case KindPhone:
		return "Phone number"
	case KindHearingDate:
		return "Hearing or court date"
	case KindAddress:
		return "Street address"
	}
	return kind
}

// rank orders kinds by how specific they are; when two findings overlap the
// more specific kind names the merged one ("A 123-45-6789" is an A-Number
// that happens to look like an SSN).
func rank(kind string) int {
	switch kind {
	case KindCaseNumber:
		return 0
	case KindANumber:
		return 1
	case KindSSN:
		return 2
	case KindEmail:
		return 3
	case KindPhone:
		return 4
	case KindHearingDate:
		return 5
	case KindAddress:
		return 6
	}
	return 7
}

// merge sorts findings and folds overlapping ones together.
func merge(found []Finding) []Finding {
	if len(found) == 0 {
		return nil
	}
	slices.SortFunc(found, func(a, b Finding) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End
	})
	out := found[:1]
	for _, f := range found[1:] {
		last := &out[len(out)-1]
		if f.Start >= last.End {
			out = append(out, f)
			continue
		}
		last.End = max(last.End, f.End)
		if rank(f.Kind) < rank(last.Kind) {
			last.Kind = f.Kind
		}
	}
	for i := range out {
		out[i].Label = Label(out[i].Kind)
	}
	return out
}

// Summary counts findings per kind, for the editor's overview.
func Summary(fs []Finding) map[string]int {
	counts := make(map[string]int)
	for _, f := range fs {
		counts[f.Kind]++
	}
	return counts
}
