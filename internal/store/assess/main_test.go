package assess_test

import (
	"os"
	"testing"

	"github.com/rungs/rungs/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// The helpers the tests share with the store's own.
var (
	eachStore    = storetest.EachStore
	mustPerson   = storetest.Person
	day          = storetest.Day
	checkFailure = storetest.CheckFailure
)
