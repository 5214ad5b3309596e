package render

// roleBios are the sentences of an author's short bio by their role
// (author_role), in each language. They say what the author does, never
// who they are: "The author", whatever the byline, so a bio cannot carry
// a name the consent keeps out.
var roleBios = map[string]map[string]string{
	"client": {
		"en": "The author is a member of the community the network serves",
		"es": "La persona autora forma parte de la comunidad que acompaña la red",
	},
	"faith_leader": {
		"en": "The author is a faith leader who works with the network",
		"es": "La persona autora ejerce un liderazgo de fe junto a la red",
	},
	"site_leadership": {
		"en": "The author is part of the leadership of one of the network's sites",
		"es": "La persona autora forma parte del liderazgo de una de las sedes de la red",
	},
	"volunteer": {
		"en": "The author volunteers with the network",
		"es": "La persona autora es voluntaria de la red",
	},
	"": {
		"en": "The author shares this piece through the network's storytelling programme",
		"es": "La persona autora comparte este texto a través del programa de relatos de la red",
	},
}

// Bio is the author's short bio for an outlet, in lang (en | es): a
// sentence from their role, and their site only when the consent is to
// publish their real name (a site named beside a pseudonym, or with no
// name at all, can point to a small community and so to the author).
func Bio(consent, role, site, lang string) string {
	byRole, ok := roleBios[role]
	if !ok {
		byRole = roleBios[""]
	}
	if lang != "es" {
		lang = "en"
	}
	s := byRole[lang]
	if consent == BylineName && site != "" {
		s += " (" + clean(site) + ")"
	}
	return s + "."
}
