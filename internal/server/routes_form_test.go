package server

import "testing"

// TestFormPage: a GET on a form's address (a reload after a refusal, a
// shared link) leads to the page the form is on, the most specific first.
func TestFormPage(t *testing.T) {
	for path, want := range map[string]string{
		"/desk/s/abc/decision":                "/desk/s/abc",
		"/desk/s/abc/pitches/p1":              "/desk/s/abc",
		"/desk/s/abc/translations/es":         "/desk/s/abc",
		"/desk/s/abc/translations/es/send":    "/desk/s/abc/translations/es",
		"/desk/s/abc/translations/es/approve": "/desk/s/abc/translations/es",
		"/desk/pitches/p1/text":               "/desk/pitches/p1",
		"/admin/users/u1/disable":             "/admin/users",
		"/admin/queues/default/tasks/t1/run":  "/admin/queues",
		"/account/totp":                       "/account",
		"/stories/x":                          "",
	} {
		if got := formPage(path); got != want {
			t.Errorf("formPage(%q) = %q, want %q", path, got, want)
		}
	}
}
