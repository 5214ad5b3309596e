package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
)

// PostgresServer is a private PostgreSQL cluster for one test, which the
// test may restart (fault injection) without disturbing other tests.
type PostgresServer struct {
	t    testing.TB
	bin  string
	dir  string
	port int
}

// StartPostgresServer creates and starts a throwaway cluster on a free port.
// As root it runs the server as the postgres user, as PostgreSQL requires.
func StartPostgresServer(t testing.TB) *PostgresServer {
	t.Helper()
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		t.Fatalf("testenv: PostgreSQL server binaries are not installed (run scripts/test, which installs them)")
	}
	p := &PostgresServer{t: t, bin: filepath.Dir(matches[len(matches)-1]), port: freePort(t)}
	dir, err := os.MkdirTemp("", "storydesk-pg-")
	if err != nil {
		t.Fatal(err)
	}
	p.dir = dir
	t.Cleanup(func() {
		_ = p.command("pg_ctl", "-D", filepath.Join(dir, "data"), "stop", "-m", "immediate").Run()
		os.RemoveAll(dir)
	})
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("testenv: no postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	p.run("initdb", "-D", filepath.Join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
	p.Start()
	return p
}

// URL is the postgres:// URL of the cluster's postgres database.
func (p *PostgresServer) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", p.port)
}

// Start starts the server and waits until it accepts connections.
func (p *PostgresServer) Start() {
	p.t.Helper()
	p.ctl("start", "-w", "-l", filepath.Join(p.dir, "log"), "-o",
		fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", p.port, p.dir))
}

// Restart stops the server (fast: connections are cut) and starts it again.
func (p *PostgresServer) Restart() {
	p.t.Helper()
	p.ctl("stop", "-w", "-m", "fast")
	p.Start()
}

func (p *PostgresServer) ctl(args ...string) {
	p.run("pg_ctl", append([]string{"-D", filepath.Join(p.dir, "data")}, args...)...)
}

func (p *PostgresServer) command(prog string, args ...string) *exec.Cmd {
	name := filepath.Join(p.bin, prog)
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	}
	return exec.Command(name, args...)
}

func (p *PostgresServer) run(prog string, args ...string) {
	p.t.Helper()
	if out, err := p.command(prog, args...).CombinedOutput(); err != nil {
		p.t.Fatalf("testenv: %s %v: %v\n%s", prog, args, err, out)
	}
}
