module tunlink

go 1.19
