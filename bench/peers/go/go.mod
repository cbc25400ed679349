module shop-recs/bench/peers/go

go 1.19
