package main

import (
	"context"
	"fmt"
	"time"

	"chokepoint/store"
)

const storeUsage = `Usage:
  chokepoint store info [flags]          the store's file, schema version and contents
  chokepoint store backup [flags] FILE   write a consistent copy of the store to FILE

Both work while serve runs. To restore, stop serve and copy the backup over
the store's file (removing any chokepoint.db-wal and -shm beside it).`

func cmdStore(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.stderr, storeUsage)
		if len(args) == 0 {
			return usagef("store: want a subcommand: info or backup")
		}
		return nil
	}
	sub := args[0]
	var c commonFlags
	fs := newFlagSet(env, "store "+sub, "[flags]", storeUsage)
	c.register(fs)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case sub == "info" && fs.NArg() == 0, sub == "backup" && fs.NArg() == 1:
	case sub == "info", sub == "backup":
		return usagef("store %s: wrong number of arguments", sub)
	default:
		fmt.Fprintln(env.stderr, storeUsage)
		return usagef("store: unknown subcommand %q", sub)
	}
	_, st, err := settingsAndStore(ctx, env, c)
	if err != nil {
		return err
	}
	defer st.Close()
	if sub == "backup" {
		if err := st.Backup(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "Backed up %s to %s.\n", st.Path(), fs.Arg(0))
		return nil
	}
	return storeInfo(ctx, env, st)
}

func storeInfo(ctx context.Context, env *environment, st *store.Store) error {
	v, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	size, err := st.Size(ctx)
	if err != nil {
		return err
	}
	list, err := st.Feeds(ctx)
	if err != nil {
		return err
	}
	counts, err := st.EntryCounts(ctx)
	if err != nil {
		return err
	}
	stats, err := st.Stats(ctx, time.Time{})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "store:     %s (%d bytes, schema version %d)\nfeeds:     %d\nentries:   %d added, %d duplicates, %d refused, %d failed\nquestions: %d logged, %d declined, %d 👍, %d 👎\n",
		st.Path(), size, v, len(list), counts[store.EntryAdded], counts[store.EntryDuplicate], counts[store.EntryRefused], counts[store.EntryFailed],
		stats.Questions, stats.Abstained, stats.Up, stats.Down)
	return nil
}
