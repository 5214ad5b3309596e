package server

import (
	"encoding/xml"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// The Atom feed is written with encoding/xml: each entry carries the
// xml:lang of its language, which a feed library's entry type cannot hold.

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr,omitempty"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel      string `xml:"rel,attr,omitempty"`
	Href     string `xml:"href,attr"`
	Hreflang string `xml:"hreflang,attr,omitempty"`
}

type atomEntry struct {
	Lang      string   `xml:"xml:lang,attr"`
	Title     string   `xml:"title"`
	ID        string   `xml:"id"`
	Link      atomLink `xml:"link"`
	Author    string   `xml:"author>name"`
	Published string   `xml:"published"`
	Updated   string   `xml:"updated"`
	Content   atomHTML `xml:"content"`
}

type atomHTML struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// feed is GET /stories/feed.xml: the latest published versions, one entry
// per language of a piece, each with its xml:lang; ?language= keeps one
// language.
func (h *storiesHandler) feed(c *gin.Context) error {
	language, err := contentLanguage(c)
	if err != nil {
		return err
	}
	versions, err := h.store.LiveVersions(c.Request.Context(), language, storiesPerPage, 0)
	if err != nil {
		return err
	}
	self := h.baseURL + "/stories/feed.xml"
	list := h.baseURL + "/stories"
	if language != "" {
		self += "?language=" + language
		list += "?language=" + language
	}
	f := atomFeed{Lang: language, Title: "StoryDesk stories", ID: self,
		Links: []atomLink{{Href: list}, {Rel: "self", Href: self}}}
	updated := time.Unix(0, 0).UTC()
	for _, v := range versions {
		u := h.baseURL + v.Path()
		at := v.PublishedAt.UTC().Format(time.RFC3339)
		f.Entries = append(f.Entries, atomEntry{Lang: v.Language, Title: v.Title, ID: u,
			Link:   atomLink{Rel: "alternate", Href: u, Hreflang: v.Language},
			Author: versionByline(v).Text(v.Language), Published: at, Updated: at,
			Content: atomHTML{Type: "html", Body: v.BodyHTML}})
		if v.PublishedAt.After(updated) {
			updated = v.PublishedAt
		}
	}
	f.Updated = updated.UTC().Format(time.RFC3339)
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "public, max-age=60")
	c.Data(http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), out...))
	return nil
}
