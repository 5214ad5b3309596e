package config

import (
	"strings"
	"testing"
)

// TestRetentionSettings: safe defaults, explicit values, and errors that
// name the variable.
func TestRetentionSettings(t *testing.T) {
	c, err := Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if c.RetainContactDays != 30 || c.RetainRejectedDays != 30 || c.RetainUnreviewedDays != 180 || c.SubmitGlobalRate != 300 {
		t.Errorf("defaults: %d %d %d %d", c.RetainContactDays, c.RetainRejectedDays, c.RetainUnreviewedDays, c.SubmitGlobalRate)
	}
	env := map[string]string{"STORYDESK_RETAIN_CONTACT_DAYS": "7", "STORYDESK_RETAIN_REJECTED_DAYS": "0",
		"STORYDESK_RETAIN_UNREVIEWED_DAYS": "90", "STORYDESK_SUBMIT_GLOBAL_RATE": "0"}
	c, err = Load(func(k string) string { return env[k] })
	if err != nil || c.RetainContactDays != 7 || c.RetainRejectedDays != 0 || c.RetainUnreviewedDays != 90 || c.SubmitGlobalRate != 0 {
		t.Errorf("values: %v %+v", err, c)
	}
	for _, name := range []string{"STORYDESK_RETAIN_CONTACT_DAYS", "STORYDESK_RETAIN_REJECTED_DAYS", "STORYDESK_RETAIN_UNREVIEWED_DAYS", "STORYDESK_SUBMIT_GLOBAL_RATE"} {
		for _, bad := range []string{"-1", "thirty", "99999999"} {
			_, err := Load(func(k string) string {
				if k == name {
					return bad
				}
				return ""
			})
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("%s=%s: %v", name, bad, err)
			}
		}
	}
}
