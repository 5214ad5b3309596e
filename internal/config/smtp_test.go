package config

import (
	"strings"
	"testing"
)

func TestSMTP(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		fail string // the variable the error names; "" = valid
	}{
		{map[string]string{}, ""},
		{map[string]string{"STORYDESK_SMTP_ADDR": "mail.example.org:587", "STORYDESK_SMTP_FROM": "desk@example.org"}, ""},
		{map[string]string{"STORYDESK_SMTP_ADDR": "mail.example.org", "STORYDESK_SMTP_FROM": "desk@example.org"}, "STORYDESK_SMTP_ADDR"},
		{map[string]string{"STORYDESK_SMTP_ADDR": "mail.example.org:587"}, "STORYDESK_SMTP_FROM"},
		{map[string]string{"STORYDESK_SMTP_ADDR": "mail.example.org:587", "STORYDESK_SMTP_FROM": "desk@example.org", "STORYDESK_SMTP_USER": "u"}, "STORYDESK_SMTP_PASSWORD"},
	} {
		c, err := Load(func(k string) string { return tc.env[k] })
		switch {
		case tc.fail == "" && err != nil:
			t.Errorf("%v: %v", tc.env, err)
		case tc.fail != "" && (err == nil || !strings.Contains(err.Error(), tc.fail)):
			t.Errorf("%v: err = %v, want one naming %s", tc.env, err, tc.fail)
		case tc.fail == "" && c.SMTPAddr != tc.env["STORYDESK_SMTP_ADDR"]:
			t.Errorf("SMTPAddr = %q", c.SMTPAddr)
		}
	}
}
