package server

import "testing"

func TestJSONTextProblem(t *testing.T) {
	for _, tc := range []struct {
		in    string
		field string // "" for none
	}{
		{`{"a":"plain ñ \u00f1 \ud83d\ude00 \n \" \\ok"}`, ""},
		{`{"a":"x","b":"\ud800"}`, "b"},
		{`{"a":"\udfff"}`, "a"},
		{`{"a":"\ud83d\ud83d\ude00"}`, "a"},
		{`{"a":"\ud83d\\"}`, "a"},
		{`{"a":"\u0000"}`, "a"},
		{"{\"a\":\"\xff\"}", "a"},
		{"{\"a\":\"\xed\xb0\x80\"}", "a"},
		{`{"outer":{"inner":["ok","\ud800"]}}`, "inner"},
		{`{"list":["\ud800"]}`, "list"},
		{`{"a":{"b":"ok"},"c":"\ud800"}`, "c"},
		{"{\"k\xff\":\"v\"}", "request"},
		{`["\ud800"]`, "request"},
		{`{"a":"{\"b\":\"}","c":"\ud800"}`, "c"},
		{`{"a":"unterminated`, ""},
	} {
		field, bad := jsonTextProblem([]byte(tc.in))
		if bad != (tc.field != "") || field != tc.field {
			t.Errorf("jsonTextProblem(%q) = %q, %v; want %q", tc.in, field, bad, tc.field)
		}
	}
}
