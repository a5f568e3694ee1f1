package access_test

import (
	"os"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// The helpers the tests share with the store's own.
var (
	eachStore    = storetest.EachStore
	mustPerson   = storetest.Person
	checkFailure = storetest.CheckFailure
)

type clock = storetest.Clock

// eachStoreAt is storetest.EachStoreAt from now.
func eachStoreAt(t *testing.T, test func(t *testing.T, s *store.Store, clk *clock)) {
	t.Helper()
	storetest.EachStoreAt(t, time.Now(), test)
}
