package server

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

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
	Language         string           // the ?language= filter; "" for every language
	Filters          []LanguageFilter // the links that filter the list by language
}

// StoryView is the data of one story's page.
type StoryView struct {
	Title, Byline, Language, Kind string
	Body                          template.HTML // sanitized when stored
	PublishedAt                   time.Time
	Images                        []StoryImage
	// Alternates are the languages the piece is published in (the hreflang
	// links and the language switch); empty when it is in one language only.
	Alternates []StoryAlternate
	DefaultURL string // the original's absolute URL: hreflang x-default
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
	language, err := contentLanguage(c)
	if err != nil {
		return err
	}
	versions, err := h.store.LiveVersions(c.Request.Context(), language, storiesPerPage+1, (pg-1)*storiesPerPage)
	if err != nil {
		return err
	}
	p := newPage(c, h.render, "")
	v := StoriesView{Language: language, Filters: languageFilters(p.Lang, language)}
	if len(versions) > storiesPerPage {
		versions = versions[:storiesPerPage]
		v.NextURL = listURL(p.Lang, language, pg+1)
	}
	if pg > 1 {
		v.PrevURL = listURL(p.Lang, language, pg-1)
	}
	for _, pv := range versions {
		v.Items = append(v.Items, StoryItem{URL: pv.Path() + "?lang=" + p.Lang, Title: pv.Title,
			Byline: versionByline(pv).Text(p.Lang), Language: pv.Language, PublishedAt: pv.PublishedAt})
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

// show is GET /stories/{slug}: the piece in its original language.
func (h *storiesHandler) show(c *gin.Context) error { return h.showVersion(c, "") }

// showTranslation is GET /stories/{slug}/{lang}: the piece in an approved
// translation; 404 for a language it is not published in, and a redirect
// to /stories/{slug} for its own language.
func (h *storiesHandler) showTranslation(c *gin.Context) error {
	return h.showVersion(c, c.Param("lang"))
}

// showVersion renders the piece at slug in lang ("" for the original),
// with the links to every language it is published in.
func (h *storiesHandler) showVersion(c *gin.Context, lang string) error {
	pub, err := h.live(c)
	if err != nil {
		return err
	}
	versions, err := h.store.PublishedVersions(c.Request.Context(), pub)
	if err != nil {
		return err
	}
	cur := versions[0]
	if lang != "" {
		if lang == pub.Language {
			u := *c.Request.URL
			u.Path = cur.Path()
			c.Redirect(http.StatusMovedPermanently, u.String())
			return nil
		}
		i := slices.IndexFunc(versions, func(v store.PublishedVersion) bool { return !v.Original && v.Language == lang })
		if i < 0 {
			return fmt.Errorf("story %s in %q: %w", pub.Slug, lang, store.ErrNotFound)
		}
		cur = versions[i]
	}
	p := newPage(c, h.render, "")
	by := bylineOf(pub)
	v := StoryView{Title: cur.Title, Byline: by.Text(p.Lang), Language: cur.Language, Kind: pub.Kind,
		Body: template.HTML(cur.BodyHTML), PublishedAt: cur.PublishedAt}
	v.Alternates, v.DefaultURL = h.alternates(versions, cur, p.Lang)
	credits := render.Piece{Language: p.Lang, Byline: by}
	for i, img := range pub.Images {
		v.Images = append(v.Images, storyImage(pub.Slug, img, credits.Credit(i)))
	}
	p.Data = v
	// Short caching only: a withdrawal must take the page down quickly. The
	// page speaks the visitor's language, so a cache keeps one per language.
	c.Header("Cache-Control", "public, max-age=60")
	c.Header("Vary", "Accept-Language")
	c.Header("Content-Language", cur.Language)
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
