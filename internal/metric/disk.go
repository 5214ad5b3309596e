package metric

import "github.com/prometheus/client_golang/prometheus"

var dataDirFreeDesc = prometheus.NewDesc("storydesk_data_dir_free_bytes",
	"Bytes free for StoryDesk in its data directory (STORYDESK_DATA_DIR): uploads and exports are spooled there, and the embedded database and objects live there.", nil, nil)

// DataDir reports the free space of the data directory at each scrape.
type DataDir struct{ dir string }

// NewDataDir returns the collector for dir.
func NewDataDir(dir string) *DataDir { return &DataDir{dir: dir} }

// Describe implements prometheus.Collector.
func (d *DataDir) Describe(ch chan<- *prometheus.Desc) { ch <- dataDirFreeDesc }

// Collect implements prometheus.Collector. Where free space cannot be read
// (another system, a directory gone), the series is left out: an alert on
// it then fires as absent rather than on a made-up zero.
func (d *DataDir) Collect(ch chan<- prometheus.Metric) {
	free, err := freeBytes(d.dir)
	if err != nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(dataDirFreeDesc, prometheus.GaugeValue, float64(free))
}
