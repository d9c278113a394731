# roadmap 2.2.1: a custom Dataset and a DataLoader that batches it
import torch
from torch.utils.data import DataLoader, Dataset


class CustomDataset(Dataset):
    """Wraps in-memory samples and labels; a real one might read files in __getitem__."""

    def __init__(self, data, labels, transform=None):
        self.data = data
        self.labels = labels
        self.transform = transform

    def __len__(self):
        # DataLoader asks for the length to know how many indices to draw
        return len(self.data)

    def __getitem__(self, idx):
        # Return ONE sample; the DataLoader stacks samples into batches
        sample = self.data[idx]
        label = self.labels[idx]

        if self.transform:
            sample = self.transform(sample)

        return sample, label


def standardize(sample):
    # A transform is any callable applied to one sample
    return (sample - sample.mean()) / sample.std()


def main():
    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    # Synthetic data: this lesson is about the loading machinery, not the model
    data = torch.randn(1000, 10)
    labels = torch.randint(0, 2, (1000,))
    dataset = CustomDataset(data, labels, transform=standardize)
    print(f"len(dataset) = {len(dataset)}, dataset[0] = (sample of shape "
          f"{tuple(dataset[0][0].shape)}, label {dataset[0][1].item()})")

    dataloader = DataLoader(
        dataset,
        batch_size=32,
        shuffle=True,  # a new random order every epoch
        num_workers=2,  # 2 worker processes prepare batches in parallel with training
        pin_memory=torch.cuda.is_available(),  # page-locked memory only speeds up copies to a GPU
        generator=torch.Generator().manual_seed(0),  # reproducible shuffling
    )

    # Iterate over batches
    for batch_data, batch_labels in dataloader:
        batch_data, batch_labels = batch_data.to(device), batch_labels.to(device)
        print(f"Batch shape: {tuple(batch_data.shape)}, labels: {tuple(batch_labels.shape)}")
        break
    assert batch_data.shape == (32, 10) and batch_labels.shape == (32,)

    # 1000 samples / 32 per batch = 31 full batches + one batch of 8
    sizes = [len(labels_) for _, labels_ in dataloader]
    print(f"{len(dataloader)} batches per epoch, the last one has {sizes[-1]} samples")
    assert len(dataloader) == 32 and sizes[-1] == 8 and sum(sizes) == 1000

    # drop_last=True drops that incomplete batch (useful when every batch must be full)
    full_only = DataLoader(dataset, batch_size=32, shuffle=True, drop_last=True)
    print(f"with drop_last=True: {len(full_only)} batches")
    assert len(full_only) == 31

    # Workers only change WHO loads the data, not WHAT comes out:
    # the same shuffling seed gives identical batches, in the same order, with 0 or 2 workers.
    def one_epoch(num_workers):
        loader = DataLoader(dataset, batch_size=32, shuffle=True, num_workers=num_workers,
                            generator=torch.Generator().manual_seed(0))
        return list(loader)

    epoch0, epoch2 = one_epoch(0), one_epoch(2)
    assert len(epoch0) == len(epoch2) == 32
    for (data0, labels0), (data2, labels2) in zip(epoch0, epoch2):
        assert torch.equal(data0, data2) and torch.equal(labels0, labels2)
    print("num_workers=0 and num_workers=2 give identical batches (all 32 of the epoch)")


# Worker processes re-import this file on Windows and macOS, so the work lives in main()
if __name__ == "__main__":
    main()
