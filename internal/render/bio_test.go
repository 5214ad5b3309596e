package render

import "testing"

// TestBio: a bio from the role in the outlet's language, the site only
// beside the author's own name, an unknown role read as none.
func TestBio(t *testing.T) {
	for _, tt := range []struct{ consent, role, site, lang, want string }{
		{BylineName, "volunteer", "El Paso", "en", "The author volunteers with the network (El Paso)."},
		{BylinePseudonym, "volunteer", "El Paso", "en", "The author volunteers with the network."},
		{BylineAnonymous, "client", "El Paso", "es", "La persona autora forma parte de la comunidad que acompaña la red."},
		{BylineName, "", "", "es", "La persona autora comparte este texto a través del programa de relatos de la red."},
		{BylineName, "astronaut", "Austin", "fr", "The author shares this piece through the network's storytelling programme (Austin)."},
	} {
		if got := Bio(tt.consent, tt.role, tt.site, tt.lang); got != tt.want {
			t.Errorf("Bio(%q, %q, %q, %q) = %q, want %q", tt.consent, tt.role, tt.site, tt.lang, got, tt.want)
		}
	}
}
