package server

import (
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/feeds"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/render"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/web"
)

// storiesHandler serves the public pages of published pieces and their feed.
type storiesHandler struct {
	store   *store.Store
	blob    *blob.Store
	render  *web.Renderer
	baseURL string
}

// storiesPerPage is the length of one page of the list and of the feed.
const storiesPerPage = 20

// StoryItem is one entry of the /stories list.
type StoryItem struct {
	URL, Title, Byline, Language string
	PublishedAt                  time.Time
}

// StoriesView is the data of the stories list page.
type StoriesView struct {
	Items            []StoryItem
	PrevURL, NextURL string
}

// StoryView is the data of one story's page.
type StoryView struct {
	Title, Byline, Language, Kind string
	Body                          template.HTML // sanitized when stored
	PublishedAt                   time.Time
	Images                        []StoryImage
}

// StoryImage is a published photo and its credit. Width and Height (0 when
// unknown) let the page reserve the photo's room before it loads; SrcSet
// offers the narrower copy to phones ("" when there is none).
type StoryImage struct {
	URL, Credit   string
	Width, Height int
	SrcSet        string
}

// storyImage is the view of one published photo of the piece at slug.
func storyImage(slug string, img store.PublishedImage, credit string) StoryImage {
	u := "/stories/" + slug + "/images/" + img.Name
	v := StoryImage{URL: u, Credit: credit, Width: img.Width, Height: img.Height}
	if img.SmallWidth > 0 && img.Width > 0 {
		v.SrcSet = fmt.Sprintf("%s?w=%d %dw, %s %dw", u, img.SmallWidth, img.SmallWidth, u, img.Width)
	}
	return v
}

func (h *storiesHandler) list(c *gin.Context) error {
	pg, err := intParam(c, "page", 1, 1, 10_000)
	if err != nil {
		return err
	}
	pubs, err := h.store.LivePublications(c.Request.Context(), storiesPerPage+1, (pg-1)*storiesPerPage)
	if err != nil {
		return err
	}
	p := newPage(c, h.render, "")
	v := StoriesView{}
	if len(pubs) > storiesPerPage {
		pubs = pubs[:storiesPerPage]
		v.NextURL = fmt.Sprintf("/stories?page=%d&lang=%s", pg+1, p.Lang)
	}
	if pg > 1 {
		v.PrevURL = fmt.Sprintf("/stories?page=%d&lang=%s", pg-1, p.Lang)
	}
	for _, pub := range pubs {
		v.Items = append(v.Items, StoryItem{URL: "/stories/" + pub.Slug + "?lang=" + p.Lang, Title: pub.Title,
			Byline: bylineOf(pub).Text(p.Lang), Language: pub.Language, PublishedAt: pub.PublishedAt})
	}
	p.Data = v
	c.Header("Cache-Control", "no-cache")
	return renderPage(c, h.render, http.StatusOK, "stories", p)
}

func bylineOf(p store.Publication) render.Byline {
	return render.Byline{Kind: p.BylineKind, Name: p.Byline}
}

// live returns the live publication for the slug: 404 for an unknown slug,
// 410 once it was withdrawn (even before the unpublish job has run).
func (h *storiesHandler) live(c *gin.Context) (store.Publication, error) {
	pub, err := h.store.PublicationBySlug(c.Request.Context(), c.Param("slug"))
	if err != nil {
		return store.Publication{}, err
	}
	if !pub.Live {
		return store.Publication{}, errorf(http.StatusGone, "this piece is no longer published")
	}
	return pub, nil
}

func (h *storiesHandler) show(c *gin.Context) error {
	pub, err := h.live(c)
	if err != nil {
		return err
	}
	p := newPage(c, h.render, "")
	by := bylineOf(pub)
	v := StoryView{Title: pub.Title, Byline: by.Text(p.Lang), Language: pub.Language, Kind: pub.Kind,
		Body: template.HTML(pub.BodyHTML), PublishedAt: pub.PublishedAt}
	credits := render.Piece{Language: p.Lang, Byline: by}
	for i, img := range pub.Images {
		v.Images = append(v.Images, storyImage(pub.Slug, img, credits.Credit(i)))
	}
	p.Data = v
	// Short caching only: a withdrawal must take the page down quickly. The
	// page speaks the visitor's language, so a cache keeps one per language.
	c.Header("Cache-Control", "public, max-age=60")
	c.Header("Vary", "Accept-Language")
	return renderPage(c, h.render, http.StatusOK, "story", p)
}

// image serves a published photo from S3 through the app: with ?w= its
// narrower copy, at the one width the publish job made.
func (h *storiesHandler) image(c *gin.Context) error {
	pub, err := h.live(c)
	if err != nil {
		return err
	}
	width, err := intParam(c, "w", 0, 1, 10_000)
	if err != nil {
		return err
	}
	for _, img := range pub.Images {
		if img.Name != c.Param("name") {
			continue
		}
		key := blob.PublishedImageKey(pub.SubmissionID, img.Name)
		if width != 0 {
			if width != img.SmallWidth {
				return fieldErr(http.StatusNotFound, "w", fmt.Sprintf("this photo has no copy %d pixels wide", width))
			}
			key = blob.PublishedImageWidthKey(pub.SubmissionID, img.Name, width)
		}
		return serveObject(c, h.blob, object{key: key, what: "image",
			contentType: img.ContentType, disposition: disposition("inline", img.Name), cache: "public, max-age=60"})
	}
	return fmt.Errorf("image: %w", store.ErrNotFound)
}

// feed is the Atom feed of the latest pieces.
func (h *storiesHandler) feed(c *gin.Context) error {
	pubs, err := h.store.LivePublications(c.Request.Context(), storiesPerPage, 0)
	if err != nil {
		return err
	}
	f := &feeds.Feed{
		Title: "StoryDesk stories", Link: &feeds.Link{Href: h.baseURL + "/stories"},
		Id: h.baseURL + "/stories/feed.xml", Updated: time.Unix(0, 0).UTC(),
	}
	for _, pub := range pubs {
		u := h.baseURL + "/stories/" + pub.Slug
		f.Items = append(f.Items, &feeds.Item{
			Title: pub.Title, Link: &feeds.Link{Href: u}, Id: u,
			Author:  &feeds.Author{Name: bylineOf(pub).Text(pub.Language)},
			Created: pub.PublishedAt, Updated: pub.PublishedAt, Content: pub.BodyHTML,
		})
		if pub.PublishedAt.After(f.Updated) {
			f.Updated = pub.PublishedAt
		}
	}
	atom, err := f.ToAtom()
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "public, max-age=60")
	c.Data(http.StatusOK, "application/atom+xml; charset=utf-8", []byte(atom))
	return nil
}
